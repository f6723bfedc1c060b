"""Recording live blogs into web archives and packaging them (capture, WARC writing, WACZ export). May import core and ingest."""
