"""Alembic's entry: run the migrations on the connection the portal hands over (db.migrate)."""

from alembic import context

from cchc_xlsx.portal.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
