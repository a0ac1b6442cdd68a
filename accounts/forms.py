"""Password forms of the web page and the admin: Django's, saving through the password service."""

from django.contrib.auth import forms as auth_forms

from .passwords import change_password


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Old password, new one twice (checked by AUTH_PASSWORD_VALIDATORS)."""

    def save(self, commit: bool = True):
        change_password(user=self.user, new_password=self.cleaned_data["new_password1"])
        return self.user


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """The admin's "change password" (or disable password log-in) for a user."""

    def save(self, commit: bool = True):
        usable = self.cleaned_data["set_usable_password"]
        change_password(user=self.user, new_password=self.cleaned_data["password1"] if usable else None)
        return self.user
