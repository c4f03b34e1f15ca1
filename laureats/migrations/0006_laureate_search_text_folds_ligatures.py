from django.db import migrations


class Migration(migrations.Migration):
    """Stored text written before ligatures were folded holds "cœur", which no query matches.

    Its owner (laureats/derived/) rebuilds it in migration 0007, once the members' names it
    orders can sort in French: nothing to do here any more.
    """

    dependencies = [("laureats", "0005_laureate_search_vector")]

    operations = []
