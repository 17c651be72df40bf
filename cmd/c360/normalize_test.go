package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeKeys(t *testing.T) {
	tests := []struct {
		kind, in, want string
		failLine       string // "" when every line normalises
	}{
		{"text", "ＡＢＣ　商事\nｶﾞｷﾞ\n", "abc商事\nガギ\n", ""},
		{"kana", "やまだ たろう\nﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ\nヤマダタロウ\n", ""},
		{"person_name", "髙橋　一郎\r\nYAMADA Tarou\r\n", "高橋一郎\ntaroyamada\n", ""},
		{"name_kana", "ﾀｶﾊｼ ｲﾁﾛｳ\n", "タカハシイチロウ\n", ""},
		{"company", "株式会社ABC\nABC(株)\nＡＢＣ㈱\nｴｰﾋﾞｰｼｰ(ｶ\n", "abc\nabc\nabc\nエービーシー\n", ""},
		{"phone", "03-1234-5678\n+81 90 1234 5678\n", "+81312345678\n+819012345678\n", ""},
		{"email", "Taro@Example.JP\n", "taro@example.jp\n", ""},
		{"postal_code", "〒100-0005\n１００００５\n", "100-0005\n\n", "line 2:"}, // six digits
		{"corporate_number", "7000012050002\n", "7000012050002\n", ""},
		{"text", "\uFEFFfirst\n", "first\n", ""},
		{"text", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.in, "normalize", "--kind", tt.kind)
			if tt.failLine != "" {
				if code != 1 || !strings.Contains(stderr, tt.failLine) {
					t.Errorf("exit %d, stderr %q; want 1 and a message naming %s", code, stderr, tt.failLine)
				}
			} else if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if diff := cmp.Diff(tt.want, stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalizeAddress(t *testing.T) {
	code, stdout, stderr := runCLI(t, "東京都千代田区丸の内1-2-3\n東京都千代田区丸の内１丁目２番３号\n", "normalize", "--kind", "address")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 || lines[0] == "" || lines[0] != lines[1] {
		t.Errorf("address keys = %q; want two equal non-empty keys", lines)
	}
}

func TestNormalizeFailedLines(t *testing.T) {
	code, stdout, stderr := runCLI(t, "a@b.jp\nnot-an-email\nc@d.jp\n\n", "normalize", "--kind", "email")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	if diff := cmp.Diff("a@b.jp\n\nc@d.jp\n\n", stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	for _, want := range []string{"line 2:", "line 4:", "2 of 4 lines"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not contain %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "line 1:") || strings.Contains(stderr, "line 3:") {
		t.Errorf("stderr names a line that did not fail:\n%s", stderr)
	}
}

func TestNormalizeJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "ABC(株)\n株式会社\n", "normalize", "--kind", "company", "--json")
	if code != 1 {
		t.Errorf("exit code = %d, want 1 (line 2 has no name)", code)
	}
	if !strings.Contains(stderr, "line 2:") {
		t.Errorf("stderr does not name line 2:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d JSON lines, want 2:\n%s", len(lines), stdout)
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"line": 1.0, "input": "ABC(株)", "kind": "company", "key": "abc",
		"parts": map[string]any{"Form": "株式会社", "Position": "suffix", "Core": "ABC", "Key": "abc"},
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("line 1 (-want +got):\n%s", diff)
	}
	if second["error"] == nil || second["parts"] != nil || second["line"] != 2.0 {
		t.Errorf("line 2 = %v; want an error and no parts", second)
	}
}

func TestNormalizeJSONEveryKind(t *testing.T) {
	inputs := map[string]string{
		"text": "ＡＢＣ", "kana": "やまだ", "person_name": "山田 太郎", "name_kana": "ヤマダ タロウ",
		"company": "ABC(株)", "phone": "03-1234-5678", "email": "a@b.jp", "postal_code": "100-0005",
		"address": "東京都千代田区丸の内1-2-3", "corporate_number": "7000012050002",
	}
	for kind, in := range inputs {
		code, stdout, stderr := runCLI(t, in+"\n", "normalize", "--kind", kind, "--json")
		if code != 0 {
			t.Errorf("%s: exit %d, stderr %s", kind, code, stderr)
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(stdout), &rec); err != nil {
			t.Errorf("%s: %v in %q", kind, err, stdout)
			continue
		}
		if rec["key"] == "" || rec["key"] == nil || rec["parts"] == nil {
			t.Errorf("%s: record %v lacks key or parts", kind, rec)
		}
	}
}

func TestNormalizeUsage(t *testing.T) {
	for _, args := range [][]string{{"normalize"}, {"normalize", "--kind", "zip"}, {"normalize", "--kind", "text", "extra"}} {
		code, _, stderr := runCLI(t, "", args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %s", args, code, stderr)
		}
	}
}
