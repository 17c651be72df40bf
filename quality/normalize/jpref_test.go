package normalize

import (
	"github.com/c360/c360/internal/shareddata"
	"testing"
)

// sharedDataPath returns the path of a file under ../shared/data (found next to the
// module root), or skips the test when the data is not there.
func sharedDataPath(t testing.TB, name string) string {
	t.Helper()
	return shareddata.Path(t, name)
}
