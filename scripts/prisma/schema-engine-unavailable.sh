#!/bin/sh
# Stand-in for Prisma's schema-engine binary, which the Prisma CLI downloads on
# first use from a host this project does not assume it can reach. `prisma
# generate` only needs the file to exist. Anything that actually runs it
# (migrate, db push, introspection) must fail loudly instead of silently
# doing nothing: use `npm run db:migrate`, which applies migrations with
# Prisma's own schema engine compiled to WebAssembly.
echo "eventline: the Prisma CLI schema engine is not installed (offline). Use 'npm run db:migrate' / 'npm run db:migration:new'." >&2
exit 1
