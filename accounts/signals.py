"""Extension points of the accounts app: signals higher apps connect to in their AppConfig.ready.

`accounts` sits below checkout (and every app that keeps something per customer), so it cannot
call them; it says what happened and they react. Receivers run synchronously, in the caller's
transaction, and their errors propagate: a failed receiver fails the sign-in.
"""

from django.dispatch import Signal

# Sent right after a customer signs in (web session or API token), with `user` and
# `guest_session_key`: the session key the visitor had before signing in ("" if none).
# checkout moves the guest's cart into the customer's.
customer_signed_in = Signal()

# Closing an account is not a signal: each app erases its rows through its `personal_data.erase`,
# run by privacy.services.person_erase (privacy.registry).
