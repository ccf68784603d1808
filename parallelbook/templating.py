"""Jinja2 templates: the tool's own in templates/, any of them overridable per book.

Autoescaping is on and undefined variables are errors, so a template
mistake is reported with its file and line instead of printing nothing.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from .files import shown_path
from .problems import BookError, Location, error

TOOL_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(book_dir: Path) -> jinja2.Environment:
    """Templates looked up in the book's templates/ folder first, then the tool's."""
    search = [str(book_dir / "templates"), str(TOOL_TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        # HTML escaping everywhere but in style sheets, where values go through `css_string`.
        autoescape=lambda name: not (name or "").endswith((".css.j2", ".css")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


def css_string(value: str) -> str:
    """A value as the inside of a double-quoted CSS string."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\a ").replace("<", "\\3c ")


def render(env: jinja2.Environment, name: str, **context) -> str:
    """Render one template; a syntax error or undefined name becomes a located BookError."""
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise BookError([error("TEMPLATE-SYNTAX", _where(exc.filename, exc.lineno), exc.message or "syntax error")])
    except jinja2.TemplateNotFound as exc:
        raise BookError([error("TEMPLATE-MISSING", Location(str(exc.name)), "template not found")])
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise BookError([error("TEMPLATE-UNDEFINED", _where(template.filename, _render_line(exc, template)), exc.message or "undefined")])
    except jinja2.TemplateError as exc:
        raise BookError([error("TEMPLATE-ERROR", _where(template.filename, _render_line(exc, template)), str(exc))])


def _where(filename: str | None, line: int | None) -> Location:
    return Location(shown_path(Path(filename)) if filename else "<template>", line or 0)


def _render_line(exc: Exception, template: jinja2.Template) -> int:
    """The template line being rendered when `exc` was raised, from the traceback."""
    traceback = exc.__traceback__
    line = 0
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == template.filename:
            line = traceback.tb_lineno  # Jinja rewrites its frames to template lines
        traceback = traceback.tb_next
    return line
