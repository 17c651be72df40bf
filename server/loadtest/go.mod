module github.com/c360/c360/server/loadtest

go 1.26

replace (
	github.com/c360/c360 => ../..
	github.com/c360/c360/store/bolt => ../../store/bolt
)

require (
	github.com/c360/c360 v0.0.0-00010101000000-000000000000
	github.com/c360/c360/store/bolt v0.0.0-00010101000000-000000000000
)

require (
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/hashicorp/go-multierror v1.1.1 // indirect
	go.etcd.io/bbolt v1.4.3 // indirect
	golang.org/x/sys v0.29.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)
