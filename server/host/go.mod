module github.com/c360/c360/server/host

go 1.26

replace (
	github.com/c360/c360 => ../..
	github.com/c360/c360/store/bolt => ../../store/bolt
	github.com/c360/c360/store/postgres => ../../store/postgres
)

require (
	github.com/c360/c360 v0.0.0-00010101000000-000000000000
	github.com/c360/c360/store/bolt v0.0.0-00010101000000-000000000000
	github.com/c360/c360/store/postgres v0.0.0-00010101000000-000000000000
	github.com/jackc/pgx/v5 v5.12.0
)

require (
	github.com/hashicorp/errwrap v1.0.0 // indirect
	github.com/hashicorp/go-multierror v1.1.1 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	go.etcd.io/bbolt v1.4.3 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)
