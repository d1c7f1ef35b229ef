"""Named filters on customers; visible_to comes from the one access mechanism."""

from salesops.accounts.access import VisibleToQuerySet


class CustomerQuerySet(VisibleToQuerySet):
    owner_path = "owner"

    def search(self, text: str):
        text = text.strip()
        return self.filter(name__icontains=text) if text else self
