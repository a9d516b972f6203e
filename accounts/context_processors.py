from accounts.access import scope_for
from accounts.two_factor import owes_second_step


def navigation(request):
    """What the navigation shows depends on the user's roles (decided here, not in templates)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if owes_second_step(request):
        return {"second_step_pending": True}  # no navigation until the second step is done
    scope = scope_for(user)
    return {
        "nav": {
            "is_manager": scope.is_manager,
            "is_inspector": scope.is_inspector,
            "is_council": scope.is_council,
            "is_admin": scope.is_admin,
            "reads_rules": scope.reads_rules,
            "can_use_admin_site": user.is_staff,
        }
    }

