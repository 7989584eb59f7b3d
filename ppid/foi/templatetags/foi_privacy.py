"""Template filters that mask personal data (§6): {{ req.nik|mask_nik }}."""

from django import template

from .. import privacy

register = template.Library()

register.filter("mask_nik", privacy.mask_nik)
register.filter("mask_phone", privacy.mask_phone)
register.filter("mask_address", privacy.mask_address)
