package bolt

import (
	"testing"

	"github.com/c360/c360"
	"github.com/c360/c360/c360test"
)

func TestEngineStoreConformance(t *testing.T) {
	paths := map[c360.Store]*DB{}
	c360test.RunConfig(t, func(t *testing.T) c360.Store {
		db := openTemp(t)
		s := db.Engine()
		paths[s] = db
		return s
	}, c360test.Config{
		Reopen: func(t *testing.T, s c360.Store) c360.Store {
			db := paths[s]
			path := db.Path()
			s.Close()
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			db2, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db2.Close() })
			return db2.Engine()
		},
	})
}
