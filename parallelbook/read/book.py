"""Gathering: read a book folder once, validate everything, return immutable editions.

This is the only stage that looks at the book's files.  Either every problem
is collected and raised together (nothing has been written yet), or the
caller gets one Edition per translation language, ready to render.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import model as m
from ..files import ChapterFiles, read_book_folder
from ..problems import BookError, Location, Problem, error, has_errors
from ..text.blocks import images, map_images, map_runs, plain_inlines, plain_text, quotes_as_text
from ..text.orthography import corrections
from ..text.slugs import slug as slug_of
from .alignment import pair_blocks
from .config import BookConfig, parse_config
from .links import resolve_links
from .markdown import pandoc_json, parse_blocks

RTL_LANGUAGES = frozenset({"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug"})


def direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class ParsedChapter:
    """One chapter's files, parsed but not yet paired: what checks look at."""

    files: ChapterFiles
    source: tuple[m.Block, ...]
    translations: dict[str, tuple[m.Block, ...]]


@dataclass(frozen=True)
class ParsedBook:
    folder: Path
    config: BookConfig
    chapters: tuple[ParsedChapter, ...]
    problems: tuple[Problem, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for chapter in self.chapters for lang in chapter.translations}))


@dataclass(frozen=True)
class Book:
    """The whole book as gathered: its folder, settings and one edition per translation."""

    folder: Path
    config: BookConfig
    editions: tuple[m.Edition, ...]
    warnings: tuple[Problem, ...]

    def edition(self, lang: str | None) -> tuple[m.Edition, ...]:
        if lang is None:
            return self.editions
        return tuple(e for e in self.editions if e.target_lang == lang)


def parse_book(book_dir: Path, *, parse=pandoc_json, memo=None) -> ParsedBook:
    """Read and parse every file of the book (one pandoc run per file), without pairing.

    Raises BookError only when the folder itself is unusable; problems in
    single files are returned in `problems` so that checks can report them all.
    `memo`, if given, keeps what each file becomes (see `remembered`).
    """
    book_dir = book_dir.resolve()
    config_file, chapter_files, problems = read_book_folder(book_dir)
    config = BookConfig()
    if config_file is not None:
        config, found = parse_config(config_file.text, Path(config_file.shown), book_dir)
        problems += found
    chapters = []
    for files in chapter_files:
        source, found = remembered(
            memo, "blocks", _blocks_inputs(files.source),
            lambda f=files.source: parse_blocks(f.text, f.shown, _parse_or_none(f.text, parse)),
        )
        problems += found
        translations = {}
        for lang, target in files.translations.items():
            blocks, found = remembered(
                memo, "blocks", _blocks_inputs(target),
                lambda f=target: parse_blocks(f.text, f.shown, _parse_or_none(f.text, parse)),
            )
            problems += found
            translations[lang] = blocks
        chapters.append(ParsedChapter(files, source, translations))
    return ParsedBook(book_dir, config, tuple(chapters), tuple(problems))


def load_book(book_dir: Path, *, build_time: datetime, parse=pandoc_json, memo=None) -> Book:
    """Read, parse, pair and normalise the whole book, or raise BookError with every problem."""
    parsed = parse_book(book_dir, parse=parse, memo=memo)
    problems = list(parsed.problems)
    editions: list[m.Edition] = []
    for lang in parsed.languages:
        edition, found = _edition(parsed, lang, build_time, memo)
        problems += found
        if edition is not None:
            editions.append(edition)
    problems = list(dict.fromkeys(problems))  # a source's problem is found again for every translation: once
    if has_errors(problems):
        raise BookError(sorted(problems, key=lambda p: (p.location, p.code)))
    return Book(parsed.folder, parsed.config, tuple(editions), tuple(problems))


def _parse_or_none(text: str, parse):
    return parse(text) if text.strip() else None


def _blocks_inputs(file) -> tuple:
    return (file.text, file.shown)


def _normalised_inputs(file, lang: str, config: BookConfig) -> tuple:
    # Normalising depends on the file's text (which its blocks came from), language and settings.
    return (file.text, file.shown, lang, (config.zwnj_fixes,))


def prepare_files(book_dir: Path, memo, *, jobs: int) -> list[tuple[str, str]]:
    """Convert and normalise, in `jobs` worker processes, every file of the book that `memo` lacks.

    The same work load_book would do file by file, spread over the cores:
    each worker reads its share of the files with one pandoc process and
    converts them while pandoc goes on.  What they make goes into the memo
    (memo.keep), so load_book then only pairs and gathers.  Returns the
    (text, pandoc JSON) of every file read, for the caller's pandoc cache.
    Does nothing (and load_book does it all) when the folder cannot be read.
    """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    try:
        config_file, chapter_files, _problems = read_book_folder(book_dir.resolve())
    except BookError:
        return []
    config = BookConfig()
    if config_file is not None:
        config, found = parse_config(config_file.text, Path(config_file.shown), book_dir.resolve())
        if has_errors(found):
            return []
    work: dict[tuple, tuple[str, str, str]] = {}  # blocks inputs -> (text, shown, language), each file once
    for chapter in chapter_files:
        for lang, file in ((config.source_language, chapter.source), *chapter.translations.items()):
            if not file.text.strip():
                continue
            if not (memo.has("blocks", _blocks_inputs(file)) and memo.has("normalised", _normalised_inputs(file, lang, config))):
                work.setdefault(_blocks_inputs(file), (file.text, file.shown, lang))
    if not work:
        return []
    shares = _balanced_shares(list(work.values()), jobs)
    # fork: the workers start in milliseconds with this code already imported (no thread runs yet).
    with ProcessPoolExecutor(max_workers=len(shares), mp_context=get_context("fork")) as pool:
        results = list(pool.map(_prepare_share, shares, [config] * len(shares)))
    read = []
    for share, made in zip(shares, results):
        for (text, shown, lang), result in zip(share, made):
            if result is None:
                continue
            raw, blocks, normalised = result
            file = _Text(text, shown)
            memo.keep("blocks", _blocks_inputs(file), blocks)
            memo.keep("normalised", _normalised_inputs(file, lang, config), normalised)
            read.append((text, raw))
    return read


def _balanced_shares(items: list[tuple[str, str, str]], jobs: int) -> list[list[tuple[str, str, str]]]:
    """The (text, shown, language) items dealt into `jobs` shares of about the same cost, in book order.

    A Persian file costs about twice what an English one of the same length does: pandoc reads
    both, but only Persian is then normalised (orthography), which takes about as long as the
    reading.  Dealing the files out in turn would give one worker every source and the other every
    translation; the longest first, each to the share with the least so far, evens them out.
    """
    def cost(item: tuple[str, str, str]) -> int:
        text, _shown, lang = item
        return len(text) * (2 if lang.split("-")[0] == "fa" else 1)

    jobs = max(1, min(jobs, len(items)))
    loads = [0] * jobs
    chosen: list[list[int]] = [[] for _ in range(jobs)]
    for index in sorted(range(len(items)), key=lambda i: -cost(items[i])):
        lightest = loads.index(min(loads))
        chosen[lightest].append(index)
        loads[lightest] += cost(items[index])
    return [[items[i] for i in sorted(share)] for share in chosen if share]


@dataclass(frozen=True)
class _Text:
    text: str
    shown: str


def _prepare_share(share: list[tuple[str, str, str]], config: BookConfig) -> list[tuple[str, tuple, tuple] | None]:
    """In a worker: (pandoc JSON, blocks and problems, normalised blocks) of each (text, shown, language), or None."""
    from .markdown import decode_pandoc_json, read_with_pandoc, without_leaf_positions

    made = []
    for (text, shown, lang), (_text, raw) in zip(share, read_with_pandoc([text for text, _shown, _lang in share], 1)):
        if raw is None:  # pandoc could not read it: load_book reads it again and reports it
            made.append(None)
            continue
        raw = without_leaf_positions(raw)
        blocks, problems = parse_blocks(text, shown, decode_pandoc_json(raw))
        normalised = tuple(normalised_block(block, lang, config) for block in blocks)
        made.append((raw, (blocks, problems), normalised))
    return made


def remembered(memo, kind: str, inputs: tuple, make):
    """make(), or what `memo` kept from a make() of the same kind on the same inputs.

    A memo is a function (kind, inputs, make) -> value; the build's keeps each
    file's blocks in its cache, so that an edit re-reads only the file edited.
    Whatever a memo keeps must depend on `inputs` (and this code) alone.
    """
    return make() if memo is None else memo(kind, inputs, make)


def _edition(parsed: ParsedBook, target_lang: str, build_time: datetime, memo=None) -> tuple[m.Edition | None, list[Problem]]:
    book_dir, config = parsed.folder, parsed.config
    source_lang = config.source_language
    problems: list[Problem] = []
    chapters: list[m.Chapter] = []
    for number, chapter in enumerate(parsed.chapters, start=1):
        files = chapter.files
        if target_lang not in chapter.translations:
            continue
        source_blocks = remembered(
            memo, "normalised", _normalised_inputs(files.source, source_lang, config),
            lambda: tuple(normalised_block(b, source_lang, config) for b in chapter.source),
        )
        target_file = files.translations[target_lang]
        target_blocks = remembered(
            memo, "normalised", _normalised_inputs(target_file, target_lang, config),
            lambda: tuple(normalised_block(b, target_lang, config) for b in chapter.translations[target_lang]),
        )
        if not source_blocks or not target_blocks:
            continue
        for block in source_blocks + target_blocks:
            problems += _image_problems(block, book_dir, Path(block.location.path))
        source_blocks = tuple(_images_from_book_root(block, book_dir) for block in source_blocks)
        target_blocks = tuple(_images_from_book_root(block, book_dir) for block in target_blocks)
        pairs, found = pair_blocks(source_blocks, target_blocks, source_lang=source_lang, target_lang=target_lang)
        problems += found
        slug = slug_of(Path(files.name).stem) or f"chapter-{number}"
        if any(other.slug == slug for other in chapters):  # `01-á.md` and `01-a.md`: anchors must differ
            slug = f"{slug}-{number}"
        titles, by_heading = _chapter_titles(source_blocks, target_blocks, source_lang, target_lang)
        chapters.append(
            m.Chapter(
                slug=slug,
                number=number,
                source_path=files.source.shown,
                target_path=files.translations[target_lang].shown,
                titles=titles,
                titled_by_heading=by_heading,
                pairs=tuple(
                    m.Pair(
                        index,
                        m.Side(source_lang, direction(source_lang), source_block),
                        m.Side(target_lang, direction(target_lang), target_block),
                    )
                    for index, (source_block, target_block) in enumerate(pairs, start=1)
                ),
            )
        )
    if not chapters:
        return None, problems
    chapters, found = resolve_links(chapters)
    problems += found

    titles = dict(config.titles)
    first = chapters[0]
    for lang in (source_lang, target_lang):
        if lang not in titles:
            titles[lang] = first.titles.get(lang) if first.titled_by_heading else book_dir.name
    if len(chapters) == 1 and not first.titled_by_heading:
        chapters[0] = m.Chapter(**{**first.__dict__, "titles": {lang: titles[lang] for lang in (source_lang, target_lang)}})

    # The translation's title names the files; a title in Persian (or Arabic) script is transliterated.
    slug = slug_of(titles.get(target_lang, "")) or slug_of(titles.get(source_lang, "")) or slug_of(book_dir.name) or "book"
    identifier = config.identifier or "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"parallelbook:{titles[source_lang]}:{titles[target_lang]}:{target_lang}")
    )
    metadata = m.Metadata(
        titles=titles,
        authors=dict(config.authors),
        translators=dict(config.translators),
        subject=dict(config.subject),
        identifier=identifier,
        date=build_time.astimezone(timezone.utc).strftime("%Y-%m-%d"),
        modified=build_time.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return (
        m.Edition(
            slug=slug,
            source_lang=source_lang,
            target_lang=target_lang,
            metadata=metadata,
            chapters=tuple(chapters),
            folder=book_dir,
        ),
        problems,
    )


def normalised_block(block: m.Block, lang: str, config: BookConfig) -> m.Block:
    """The block as published: Persian text normalised as `fix` would write it (letters, digits,
    ZWNJ, punctuation, quotes; see orthography.corrections), with the book's [orthography] settings.

    Each paragraph is corrected as one text (text/blocks.map_runs), so that a rule sees the words
    beyond an emphasis or a link as `fix` sees them in the file; its quotations are « » as text,
    as `fix` writes them (the renderer prints a Persian quotation with the same marks)."""
    if lang.split("-")[0] != "fa":
        return block

    def correct(text: str, fixed) -> list[tuple[int, int, str]]:
        found = corrections(text, zwnj=config.zwnj_fixes, skip=fixed, ezafe=config.ezafe, keep=config.keep_spellings)
        return [(c.start, c.end, c.replacement) for c in found]

    return map_runs(quotes_as_text(block, "«", "»"), correct)


def _chapter_titles(source_blocks, target_blocks, source_lang, target_lang) -> tuple[dict[str, str], bool]:
    source_heading = source_blocks[0].heading
    target_heading = target_blocks[0].heading
    if source_heading is not None and target_heading is not None:
        return {
            source_lang: plain_inlines(source_heading.inlines).strip(),
            target_lang: plain_inlines(target_heading.inlines).strip(),
        }, True
    return {
        source_lang: _first_words(source_blocks[0]),
        target_lang: _first_words(target_blocks[0]),
    }, False


def _first_words(block: m.Block, count: int = 6) -> str:
    words = plain_text(block).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _images_from_book_root(block: m.Block, book_dir: Path) -> m.Block:
    """The block with each image's path made relative to the book folder, as the model has it.

    A chapter names its images relative to itself (or to the book's root); an output must not have to
    know which chapter, or which side of a pair, an image came from, nor the folder the build ran in.
    """
    if not any(True for _ in images(block.content)):
        return block  # most blocks: nothing to resolve, no path to look up
    chapter = Path(block.location.path)
    root = book_dir.resolve()

    def located(image: m.Image) -> m.Image:
        resolved = resolve_image(book_dir, chapter, image.path)
        if resolved is None or not resolved.is_file():
            return image  # reported by _image_problems
        return replace(image, path=resolved.relative_to(root).as_posix())

    return map_images(block, located)


def _image_problems(block: m.Block, book_dir: Path, file_path: Path) -> list[Problem]:
    problems = []
    for image in images(block.content):
        parsed = urlparse(image.path)
        if parsed.scheme or parsed.netloc:
            problems.append(
                error(
                    "IMAGE-REMOTE",
                    block.location,
                    f"image {image.path!r} is not a file in the book folder; the build never fetches from outside",
                )
            )
            continue
        resolved = resolve_image(book_dir, file_path, image.path)
        if resolved is None:
            problems.append(error("PATH-OUTSIDE", block.location, f"image {image.path!r} points outside the book folder"))
        elif not resolved.is_file():
            problems.append(error("IMAGE-MISSING", block.location, f"image {image.path!r} does not exist"))
    return problems


def resolve_image(book_dir: Path, chapter_path: Path, reference: str) -> Path | None:
    """The image file a chapter refers to, or None if it lies outside the book.

    Relative to the chapter first, then to the book's root, as pandoc's
    --resource-path=CHAPTER:BOOK would: so `images/x.png` in source/ and in
    translations/en/ is the one file of the book's images/ folder.  When
    neither exists, the chapter-relative path is returned (IMAGE-MISSING
    names it).
    """
    book_dir = book_dir.resolve()
    base = chapter_path if chapter_path.is_absolute() else Path.cwd() / chapter_path
    relative = unquote(reference)
    candidates = [(folder / relative).resolve() for folder in (base.parent, book_dir)]
    inside = [candidate for candidate in candidates if candidate.is_relative_to(book_dir)]
    for candidate in inside:
        if candidate.is_file():
            return candidate
    return inside[0] if inside else None


def build_time_from(environ: dict[str, str], book_dir: Path) -> tuple[datetime, list[Problem]]:
    """SOURCE_DATE_EPOCH when set, else the newest modification time among the book's files."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.strip().isdigit():
            return datetime.fromtimestamp(0, timezone.utc), [
                error("SOURCE-DATE-EPOCH", Location("SOURCE_DATE_EPOCH"), f"must be a whole number of seconds, not {value!r}")
            ]
        return datetime.fromtimestamp(int(value), timezone.utc), []
    newest = 0.0
    for name in ("source", "translations", "templates", "book.toml"):
        top = book_dir / name
        for path in [top, *top.rglob("*")] if top.is_dir() else [top]:
            try:
                newest = max(newest, path.stat().st_mtime)
            except OSError:
                pass
    return datetime.fromtimestamp(int(newest), timezone.utc), []
