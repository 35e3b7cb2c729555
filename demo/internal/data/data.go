// Package data implements the biz repositories on an embedded SQLite
// database, and checks whether the configured Redis answers. The demo keeps
// no cache in Redis: the probe is there so that the data phase of a trace
// touches the network the way a real service's start does, and shows how a
// missing optional dependency is handled.
package data

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-kratos/kratos/v2/log"
	"github.com/google/wire"

	// modernc.org/sqlite is a pure-Go SQLite, so the demo builds without cgo
	// and needs no database server: the tracer can start it anywhere.
	_ "modernc.org/sqlite"

	"github.com/kratos-trace/kratos-trace/demo/internal/conf"
)

// ProviderSet is the data layer's providers for wire.
var ProviderSet = wire.NewSet(NewData, NewGreeterRepo)

const (
	// sqliteDriver is the only database/sql driver linked into the demo.
	sqliteDriver = "sqlite"
	// tempDirName is the folder under os.TempDir() that holds databases
	// configured with a relative source, so that running the demo never
	// writes into the source tree it was started from.
	tempDirName = "kratos-trace-demo"
	// redisDialTimeout bounds the Redis probe: an absent Redis must not
	// noticeably slow down the start of the service.
	redisDialTimeout = 200 * time.Millisecond
	// schemaTimeout bounds opening the database and creating the schema.
	schemaTimeout = 5 * time.Second
)

// schema is applied on every start; it is idempotent.
const schema = `CREATE TABLE IF NOT EXISTS greeter (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT      NOT NULL,
	greeted_at TIMESTAMP NOT NULL
)`

// Data holds the storage handles the repositories share.
type Data struct {
	db *sql.DB
}

// NewData opens the database described by c, creates the schema, and probes
// Redis. The returned cleanup closes the database; wire calls it when the
// application ends.
func NewData(c *conf.Data, logger log.Logger) (*Data, func(), error) {
	helper := log.NewHelper(logger)
	if c.GetDatabase() == nil {
		return nil, nil, errors.New("open database: data.database is missing from the configuration")
	}
	db, where, err := openSQLite(c.GetDatabase())
	if err != nil {
		return nil, nil, err
	}
	helper.Infof("sqlite database at %s", where)

	if redis := c.GetRedis(); redis.GetAddr() != "" {
		if err := probeRedis(redis); err != nil {
			helper.Warnf("redis %s unreachable, cache disabled: %v", redis.GetAddr(), err)
		} else {
			helper.Infof("redis %s answered PING", redis.GetAddr())
		}
	}

	cleanup := func() {
		helper.Info("closing the data resources")
		if err := db.Close(); err != nil {
			helper.Errorf("close sqlite database %s: %v", where, err)
		}
	}
	return &Data{db: db}, cleanup, nil
}

// openSQLite opens the database and applies the schema. It returns the
// database and where it lives, for the log.
func openSQLite(c *conf.Data_Database) (*sql.DB, string, error) {
	if c.GetDriver() != sqliteDriver {
		return nil, "", fmt.Errorf("open database: driver %q is not supported, the demo links only %q", c.GetDriver(), sqliteDriver)
	}
	where, err := resolveSQLiteSource(c.GetSource())
	if err != nil {
		return nil, "", fmt.Errorf("open database: %w", err)
	}
	dsn := where
	if where != ":memory:" && !strings.Contains(where, "?") {
		// Two demos started from different folders share the file under
		// the temp dir; wait for the other's lock instead of failing.
		dsn += "?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open(sqliteDriver, dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open sqlite database %s: %w", where, err)
	}
	// Every connection to ":memory:" is a separate empty database, so the
	// pool must hold exactly one; a greeting demo needs no more anyway.
	db.SetMaxOpenConns(1)

	ctx, cancel := context.WithTimeout(context.Background(), schemaTimeout)
	defer cancel()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("create schema in sqlite database %s: %w", where, err)
	}
	return db, where, nil
}

// resolveSQLiteSource turns the configured source into the name handed to
// the driver. A relative path is placed under os.TempDir()/kratos-trace-demo
// (created 0700) rather than the working directory, because the demo is run
// from inside a source tree that must stay clean. ":memory:", absolute paths
// and "file:" URIs are used as given.
func resolveSQLiteSource(source string) (string, error) {
	switch {
	case source == "":
		return "", errors.New("data.database.source is empty; use a file name or :memory:")
	case source == ":memory:", strings.HasPrefix(source, "file:"), filepath.IsAbs(source):
		return source, nil
	}
	path := filepath.Join(os.TempDir(), tempDirName, source)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create folder for sqlite database %s: %w", path, err)
	}
	return path, nil
}

// probeRedis reports whether a Redis server answers PING at c's address. It
// speaks the protocol by hand: one command does not justify a client library.
func probeRedis(c *conf.Data_Redis) error {
	network := c.GetNetwork()
	if network == "" {
		network = "tcp"
	}
	conn, err := net.DialTimeout(network, c.GetAddr(), redisDialTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()

	if err := conn.SetWriteDeadline(time.Now().Add(timeoutOr(c.GetWriteTimeout().AsDuration()))); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return fmt.Errorf("send PING: %w", err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(timeoutOr(c.GetReadTimeout().AsDuration()))); err != nil {
		return fmt.Errorf("set read deadline: %w", err)
	}
	reply, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read PING reply: %w", err)
	}
	if reply = strings.TrimRight(reply, "\r\n"); reply != "+PONG" {
		return fmt.Errorf("unexpected PING reply %q", reply)
	}
	return nil
}

// timeoutOr returns d, or the dial timeout when the configuration left the
// timeout out, so that a silent server cannot hang the start.
func timeoutOr(d time.Duration) time.Duration {
	if d <= 0 {
		return redisDialTimeout
	}
	return d
}
