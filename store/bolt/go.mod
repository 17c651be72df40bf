module github.com/c360/c360/store/bolt

go 1.26

replace github.com/c360/c360 => ../..

require (
	github.com/c360/c360 v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
	go.etcd.io/bbolt v1.4.3
	golang.org/x/sys v0.29.0
)

require (
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/hashicorp/go-multierror v1.1.1 // indirect
	golang.org/x/text v0.41.0 // indirect
)
