"""The portal's pages: the public ones customers see (``public``) and the staff's pages of its
settings, the ideas opened to it and proxy votes (``settings``)."""
