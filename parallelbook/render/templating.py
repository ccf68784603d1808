"""Jinja2 templates: the tool's own in render/templates/, any of them overridable per book.

Autoescaping is on and undefined variables are errors, so a template
mistake is reported with its file and line instead of printing nothing.

A book's templates are the book's input like its chapters: they are read
only from the book's templates/ folder (a link pointing out of the book is
refused), decoded like chapters, and a book that has templates/ has all its
templates run in Jinja's sandbox, where a template can loop, branch and
format the values it is given but cannot reach Python's internals (and
through them files or the network).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment

from ..files import decode, shown_path
from ..problems import BookError, Location, error

TOOL_TEMPLATES = Path(__file__).resolve().parent / "templates"


class TemplateLoader(jinja2.BaseLoader):
    """Each template from the first folder that has it; never from a file outside that folder's owner.

    `folders` pairs a folder to search with the folder its files must stay in
    (the book's templates/ must stay in the book, the tool's in the tool's).
    """

    def __init__(self, folders: list[tuple[Path, Path]]):
        self.folders = folders

    def get_source(self, environment, template):
        pieces = split_template_path(template)  # refuses ".." and absolute names
        for folder, owner in self.folders:
            candidate = folder.joinpath(*pieces)
            if not candidate.is_file():
                continue
            shown = shown_path(candidate)
            resolved = candidate.resolve()
            if not resolved.is_relative_to(owner.resolve()):
                raise BookError(
                    [error("PATH-OUTSIDE", Location(shown), f"template is a link to {resolved}, outside {owner}: copy it in")]
                )
            try:
                data = candidate.read_bytes()
                mtime = candidate.stat().st_mtime
            except OSError as exc:
                raise BookError([error("UNREADABLE", Location(shown), f"cannot read template: {exc.strerror or exc}")])
            text, problems = decode(data, shown)
            if problems:
                raise BookError(problems)

            def unchanged(candidate=candidate, mtime=mtime) -> bool:
                try:
                    return candidate.stat().st_mtime == mtime
                except OSError:
                    return False

            return text, str(candidate), unchanged
        raise jinja2.TemplateNotFound(template)


def environment(book_dir: Path) -> jinja2.Environment:
    """Templates looked up in the book's templates/ folder first, then the tool's."""
    book_dir = Path(book_dir)
    # The tool's own templates are trusted; a book that brings templates gets the sandbox.
    kind = SandboxedEnvironment if (book_dir / "templates").is_dir() else jinja2.Environment
    env = kind(
        loader=TemplateLoader([(book_dir / "templates", book_dir), (TOOL_TEMPLATES, TOOL_TEMPLATES)]),
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
    """Render one template; a syntax error or undefined name becomes a located BookError.

    The location is the template (included ones too) and line where the
    error happened.  Any other exception raised by a book's own template is
    the book's mistake too (TEMPLATE-ERROR); in the tool's templates it is a bug.
    """
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise BookError([error("TEMPLATE-SYNTAX", _where(exc.filename, exc.lineno), exc.message or "syntax error")])
    except jinja2.TemplateNotFound as exc:
        raise BookError([error("TEMPLATE-MISSING", Location(str(exc.name)), "template not found")])
    try:
        return template.render(**context)
    except BookError:
        raise
    except jinja2.TemplateSyntaxError as exc:  # in an included template
        raise BookError([error("TEMPLATE-SYNTAX", _where(exc.filename, exc.lineno), exc.message or "syntax error")])
    except jinja2.UndefinedError as exc:
        raise BookError([error("TEMPLATE-UNDEFINED", _failing(exc, template), exc.message or "undefined")])
    except jinja2.TemplateNotFound as exc:
        raise BookError([error("TEMPLATE-MISSING", _failing(exc, template), f"template {exc.name!r} not found")])
    except jinja2.TemplateError as exc:
        raise BookError([error("TEMPLATE-ERROR", _failing(exc, template), str(exc))])
    except Exception as exc:
        where, filename = _failing_frame(exc, template)
        if filename is None or Path(filename).resolve().is_relative_to(TOOL_TEMPLATES):
            raise
        raise BookError([error("TEMPLATE-ERROR", where, f"{type(exc).__name__}: {exc}")]) from exc


def _where(filename: str | None, line: int | None) -> Location:
    return Location(shown_path(Path(filename)) if filename else "<template>", line or 0)


def _failing(exc: Exception, template: jinja2.Template) -> Location:
    return _failing_frame(exc, template)[0]


def _failing_frame(exc: Exception, template: jinja2.Template) -> tuple[Location, str | None]:
    """The innermost template line being rendered when `exc` was raised, from the traceback.

    Jinja rewrites its frames so that they carry the template's file name and
    line; an error inside an included template is located in that template.
    """
    traceback = exc.__traceback__
    filename, line = None, 0
    while traceback is not None:
        code_file = traceback.tb_frame.f_code.co_filename
        if code_file == template.filename or code_file.endswith(".j2") or _is_template_file(code_file):
            filename, line = code_file, traceback.tb_lineno
        traceback = traceback.tb_next
    if filename is None:
        return _where(template.filename, 0), template.filename
    return _where(filename, line), filename


def _is_template_file(filename: str) -> bool:
    path = Path(filename)
    return path.is_absolute() and path.parent.name in ("epub", "pdf", "review") and path.parent.parent.name == "templates"
