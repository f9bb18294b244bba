"""What the feedback app announces to the apps above it, which it must not know."""

from django.dispatch import Signal

# Sent inside the transaction of a bulk insert (which sends no ``post_save``), with
# ``items``: the new feedback items.
feedback_bulk_created = Signal()

# Sent by ``votes.register_votes`` with ``votes``: the registered ``Votes``, so that the demand
# figures follow them (``receivers.py``).
votes_registered = Signal()
