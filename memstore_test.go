package c360_test

import (
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
)

func TestMemoryStore(t *testing.T) {
	c360test.Run(t, func(*testing.T) c360.Store { return c360.NewMemoryStore() })
}
