package journey_test

import (
	"testing"

	"github.com/c360/c360/journey"
	"github.com/c360/c360/journey/journeytest"
)

func TestMemoryEventStore(t *testing.T) {
	journeytest.Run(t, func(*testing.T) journey.EventStore { return &journey.MemoryEventStore{} })
}

func BenchmarkMemoryEventStore(b *testing.B) {
	journeytest.Bench(b, func(*testing.B) journey.EventStore { return &journey.MemoryEventStore{} })
}
