"""Views, one module per area of the site: public pages, statistics, open data, contributions..."""
