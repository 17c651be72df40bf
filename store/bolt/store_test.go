package bolt

import (
	"path/filepath"
	"testing"

	"github.com/c360/c360/customer"
	"github.com/c360/c360/customer/customertest"
	"github.com/c360/c360/intel"
	"github.com/c360/c360/intel/inteltest"
	"github.com/c360/c360/journey"
	"github.com/c360/c360/journey/journeytest"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "c360.db"), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestProfileStoreConformance(t *testing.T) {
	customertest.Run(t, func(t *testing.T) customer.Store { return openTemp(t).Profiles() })
}

func TestEventStoreConformance(t *testing.T) {
	journeytest.Run(t, func(t *testing.T) journey.EventStore { return openTemp(t).Events() })
}

func TestIntelRepositoryConformance(t *testing.T) {
	inteltest.Run(t, func(t *testing.T) intel.Repository { return openTemp(t).Intel() })
}
