"""Load and validate the template specs shipped in selfeval_xl/templates/ into model.spec.Template."""

from selfeval_xl.spec.load import (
    SpecError,
    available,
    default_template,
    load_spec,
    template_for,
    template_ids,
)

__all__ = ["SpecError", "available", "default_template", "load_spec", "template_for", "template_ids"]
