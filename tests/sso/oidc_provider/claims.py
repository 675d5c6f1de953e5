from oauth2_provider.oauth2_validators import OAuth2Validator

from django.conf import settings


class EmployeeClaimsValidator(OAuth2Validator):
    """Each user's claims as the test configured them (the 工号 among them), in the ID token
    and at the userinfo endpoint."""

    # Every claim whatever the scopes: the test decides what the identity server says.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        users = {user["username"]: user for user in settings.CONFIG["users"]}
        return users[request.user.username]["claims"]
