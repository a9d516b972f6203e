"""`field__in_array=<queryset>`: membership in a subquery that indexes can serve inside an OR.

PostgreSQL plans `col IN (SELECT …)` under an OR as a hashed subplan checked on every row of a
sequential scan — at a million tasks, the whole table for every list. `col = ANY(ARRAY(SELECT …))`
runs the subquery once (an InitPlan) and leaves a plain comparison that a bitmap index scan can
serve, so an OR of such conditions becomes a BitmapOr over the columns' indexes. SQLite (the
embedded single-machine default) keeps `IN (SELECT …)`.
"""

from django.db.models import Field, ForeignObject, Lookup


class InArray(Lookup):
    lookup_name = "in_array"
    prepare_rhs = False

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs if rhs.startswith("(") else f"({rhs})", [*lhs_params, *rhs_params]

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


Field.register_lookup(InArray)
ForeignObject.register_lookup(InArray)  # relations keep their own lookup registry
