package intel_test

import (
	"testing"

	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
)

func TestMemoryRepository(t *testing.T) {
	inteltest.Run(t, func(*testing.T) intel.Repository { return new(intel.MemoryRepository) })
}
