"""The BRP Berichten API (W214): mailboxes, messages, and the routeringsvoorziening."""
