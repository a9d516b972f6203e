# The two commands of the quick start (see README):
#   make run   - set up and run the app with demo data on SQLite, plus the scheduler
#   make test  - set up and run the whole test suite on SQLite and PostgreSQL
.PHONY: run test setup
run:
	./bin/run
test:
	./bin/test
setup:
	./bin/setup
