"""The open data: exports of any search (CSV, JSON, XLSX) and their rows, the documented fields
(field_docs, dictionary), the Frictionless data package, the dataset's schema.org description
(catalogue) and how to cite a fiche.

May import: models, text, browse (exports follow the list's FilterSet), csv_format (the file
format), statistics (the figures in the data package), api (the JSON export is the API's shape).
"""
