package intel_test

import (
	"testing"

	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
)

func TestMemoryRepository(t *testing.T) {
	inteltest.Run(t, func(*testing.T) intel.Repository { return new(intel.MemoryRepository) })
}

func TestMemorySubscriptionsConformance(t *testing.T) {
	inteltest.RunSubscriptions(t, func(t *testing.T) intel.SubscriptionStore { return new(intel.MemorySubscriptions) }, inteltest.Config{})
}

func TestMemoryDecisionsConformance(t *testing.T) {
	inteltest.RunDecisions(t, func(t *testing.T) intel.DecisionStore { return new(intel.MemoryDecisions) }, inteltest.Config{})
}
