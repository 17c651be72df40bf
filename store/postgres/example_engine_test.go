package postgres_test

import (
	"context"
	"fmt"
	"log"

	"github.com/c360/c360"
	"github.com/c360/c360/customer"
	"github.com/c360/c360/store/postgres"
	"github.com/jackc/pgx/v5/pgxpool"
)

// An engine whose state lives in PostgreSQL: every replica of a service
// that opens it on the same database and schema shares one identity state.
// (No output is checked: the example needs a server.)
func ExampleDB_Engine() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://c360@localhost/c360")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	db := postgres.New(pool, postgres.Config{})
	if err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	engine, err := c360.Open(ctx, c360.Config{Store: db.Engine()})
	if err != nil {
		log.Fatal(err)
	}
	defer engine.Close()
	r := customer.SourceRecord{System: "webshop", RecordID: "W-1"}
	r.Kind = customer.KindPerson
	r.Name = customer.PersonName{Family: "山田", Given: "太郎"}
	r.ContactPoints = []customer.ContactPoint{{Type: customer.ContactEmail, Value: "taro@example.jp", Primary: true}}
	up, err := engine.Upsert(ctx, r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(up.Outcome, up.Profile)
}
