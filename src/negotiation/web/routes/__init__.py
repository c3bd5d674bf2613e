"""The web app's routes, one module per audience: students' pages, the instructor's pages and
exports, and the two websockets with their message tables. Each module's ``routes(served)``
lists its routes; :func:`negotiation.web.app.create_app` puts them together."""
