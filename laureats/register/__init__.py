"""Enrichment from the public register of companies, associations and public bodies (the API
Recherche d'entreprises, https://recherche-entreprises.api.gouv.fr, open data under the Licence
Ouverte Etalab 2.0): the client that asks it, with timeouts, a rate limit and one French error
(`client`); what an answer proposes for an organisation, and the member kind its legal category
suggests (`mapping`, with the department → region table in `departments`); the field-by-field
diff shown before anything is written, and the write of the fields a person ticked (`diff`).

Only the admin and the management command `enrich_organisations` call it: never a public page,
which must not wait on another service.

May import: models (the organisation and its regions, whose writes laureats/derived/ follows by
its signals), text (names compared once folded).
"""
