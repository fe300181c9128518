"""The read models' SQL migrations, applied in name order by ``storage.migrations``.

A package only so that the ``*.sql`` files ship inside the wheel as package data.
"""
