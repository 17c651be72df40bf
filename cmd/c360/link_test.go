package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const crmCSV = "id,name,email,phone\n" +
	"c1,山田 太郎,taro@example.jp,03-1234-5678\n" +
	"c2,佐藤 花子,hanako@example.jp,06-1111-2222\n" +
	"c3,鈴木 一郎,ichiro@example.jp,052-000-1111\n"

const shopCSV = "id,name,email,phone\n" +
	"s1,ヤマダ タロウ,TARO@example.jp,0312345678\n" +
	"s2,高橋 美咲,misaki@example.jp,011-222-3333\n" +
	"s3,佐藤花子,hanako@example.jp,06-1111-2222\n" +
	"s4,佐藤 花子,hanako@example.jp,\n"

func TestLink(t *testing.T) {
	left := writeMatchFile(t, "crm.csv", crmCSV)
	right := writeMatchFile(t, "shop.csv", shopCSV)
	out := filepath.Join(t.TempDir(), "links.csv")
	fields := []string{"--field", "name=person_name", "--field", "email=email", "--field", "phone=phone"}
	code, _, stderr := runCLI(t, "", append([]string{"link", "--left", left, "--right", right, "--id", "id", "--output", out}, fields...)...)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	got := readMatchCSV(t, out)
	if diff := cmp.Diff([]string{"left_id", "right_id", "probability"}, got[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	links := map[string]bool{}
	for _, r := range got[1:] {
		links[r[0]+"-"+r[1]] = true
	}
	for _, want := range []string{"c1-s1", "c2-s3", "c2-s4"} {
		if !links[want] {
			t.Errorf("link %s missing from %v", want, got)
		}
	}
	code, _, stderr = runCLI(t, "", append([]string{"link", "--left", left, "--right", right, "--id", "id", "--output", out, "--one-to-one"}, fields...)...)
	if code != 0 {
		t.Fatalf("one-to-one: exit %d, stderr:\n%s", code, stderr)
	}
	got = readMatchCSV(t, out)
	seen := map[string]bool{}
	for _, r := range got[1:] {
		if seen[r[0]] || seen[r[1]] {
			t.Errorf("one-to-one output links a record twice: %v", got)
		}
		seen[r[0]], seen[r[1]] = true, true
	}
	if !seen["s3"] || seen["s4"] {
		t.Errorf("one-to-one should keep c2-s3 (full agreement) over c2-s4: %v", got)
	}
}

func TestLinkMalformed(t *testing.T) {
	left := writeMatchFile(t, "crm.csv", crmCSV)
	right := writeMatchFile(t, "shop.csv", "id,name,email,phone\ns1,a,b\n")
	out := filepath.Join(t.TempDir(), "links.csv")
	code, _, stderr := runCLI(t, "", "link", "--left", left, "--right", right, "--id", "id", "--output", out)
	if code != 1 || !strings.Contains(stderr, "shop.csv") || !strings.Contains(stderr, "line 2") {
		t.Errorf("exit %d, stderr %q; want 1 naming shop.csv line 2", code, stderr)
	}
}
