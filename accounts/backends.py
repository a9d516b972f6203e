from django.contrib.auth.backends import ModelBackend

from accounts.access import with_access_stamp
from accounts.models import User
from accounts.two_factor import with_second_step_facts


class UserBackend(ModelBackend):
    """Django's model backend; the signed-in user it loads on each request comes with what decides
    whether the session owes the second step (accounts.two_factor.owes_second_step), and with the
    unit tree's access generation (which, with the user's access version, tells whether the scope
    the session keeps still holds: accounts.access.scope_for), in the same query, so both are
    decided afresh on every request at no extra query."""

    def get_user(self, user_id):
        try:
            user = with_access_stamp(with_second_step_facts(User._default_manager.all())).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
