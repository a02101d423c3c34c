"""The query layer: zoekwaarden and rubrieken turned into SQL on the GBA-V tables."""
