"""A safe compiler for seller-written review rules such as ``order.amount >= 5000 and
customer.grade == "A"``.

The rule is parsed with ``ast`` (``mode="eval"``) and every node is checked against a
whitelist: ``and``/``or``/``not``, comparisons (``== != < <= > >= in``, ``not in``),
constants (text, numbers, true/false), dotted fact names from ``FACTS``, list/tuple/set
literals of constants (for ``in``) and three functions: ``contains(text_or_set, "x")``,
``any_sku([...])``, ``any_category([...])``. Anything else is refused with a ``RuleError``
(code, English message, 1-based line and column). The checked rule is turned into Python
source built only from whitelisted names and ``repr`` of constants, compiled once into a
lambda over ``OrderFacts`` and evaluated with no builtins. Money facts compare exactly: a
number compared with a ``Decimal`` fact becomes ``Decimal(str(number))`` at compile time.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from orderhub.review.facts import CHOICES, FACTS, NUMERIC, FactType, OrderFacts, attr_name

MAX_RULE_LENGTH = 4000
MAX_DEPTH = 60
FUNCTIONS = {"contains": None, "any_sku": "order.skus", "any_category": "order.categories"}
_FNS = 'contains(order.buyer_note, "text"), any_sku([...]) and any_category([...]).'
GROUPS = sorted({name.split(".")[0] for name in FACTS})
_OPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.In: "in", ast.NotIn: "not in",
}  # fmt: skip
_CONST_KIND: dict[type, FactType] = {
    bool: FactType.BOOL, int: FactType.INT, float: FactType.FLOAT, str: FactType.STR,
}  # fmt: skip


class RuleErrorCode(StrEnum):
    RULE_SYNTAX = "RULE_SYNTAX"
    RULE_UNKNOWN_FACT = "RULE_UNKNOWN_FACT"
    RULE_TYPE_MISMATCH = "RULE_TYPE_MISMATCH"
    RULE_FORBIDDEN = "RULE_FORBIDDEN"


_SYNTAX, _UNKNOWN, _MISMATCH, _FORBIDDEN = RuleErrorCode


class RuleError(Exception):
    """A rule refused at compile time; ``line`` and ``column`` are 1-based (characters)."""

    def __init__(self, code: RuleErrorCode, message: str, line: int, column: int) -> None:
        super().__init__(f"{code}: {message} (line {line}, column {column})")
        self.code = code
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class _Val:
    """A checked sub-expression: its kind, Python code, and constant/collection payload."""

    kind: FactType | None  # None: a literal collection
    code: str
    node: ast.expr
    const: Any = None
    is_const: bool = False
    items: tuple[Any, ...] = ()
    fact: str | None = None


class CompiledRule:
    """A checked, compiled rule. ``evaluate(facts)`` is the compiled lambda itself."""

    __slots__ = ("_explain", "evaluate", "facts", "source")

    def __init__(
        self,
        source: str,
        facts: tuple[str, ...],
        evaluate: Callable[[OrderFacts], bool],
        explain: Callable[[OrderFacts, Callable[[str, object], object]], bool],
    ) -> None:
        self.source = source
        self.facts = facts  # every fact the rule mentions, in order of first mention
        self.evaluate = evaluate
        self._explain = explain

    def __call__(self, facts: OrderFacts) -> bool:
        return self.evaluate(facts)

    def explain(self, facts: OrderFacts) -> tuple[bool, dict[str, object]]:
        """The result and the facts actually read (``and``/``or`` stop early), name -> value."""
        read: dict[str, object] = {}

        def record(name: str, value: object) -> object:
            read[name] = value
            return value

        return bool(self._explain(facts, record)), read


def compile_rule(source: str) -> CompiledRule:
    """Check and compile ``source``; raises ``RuleError`` for anything not allowed."""
    if not source.strip():
        raise RuleError(RuleErrorCode.RULE_SYNTAX, "The rule is empty.", 1, 1)
    if len(source) > MAX_RULE_LENGTH:
        msg = f"The rule is too long ({len(source)} characters, at most {MAX_RULE_LENGTH})."
        raise RuleError(RuleErrorCode.RULE_SYNTAX, msg, 1, MAX_RULE_LENGTH + 1)
    tree, text, shift = _parse(source)
    plain, traced = _Checker(text, shift, record=False), _Checker(text, shift, record=True)
    body, traced_body = plain.boolean(tree.body, "A rule"), traced.boolean(tree.body, "A rule")
    evaluate = _lambda(f"lambda f: {body}", plain.consts)
    explain = _lambda(f"lambda f, _r: {traced_body}", traced.consts)
    return CompiledRule(source, tuple(plain.facts), evaluate, explain)


def _lambda(code: str, consts: dict[str, Any]) -> Any:
    """Compile generated code: whitelisted fact slots, ``repr`` of constants, ``_k`` names."""
    namespace = {"__builtins__": {}, **consts}
    return eval(compile(code, "<rule>", "eval"), namespace)  # noqa: S307 - built from a checked AST


_INCOMPLETE = re.compile(r"(==|!=|<=|>=|<|>|,|\b(?:and|or|not|in))\s*$")


def _parse(source: str) -> tuple[ast.Expression, str, int]:
    """The tree, the text parsed and its shift on line 1: a rule over several lines or with
    leading spaces is retried inside parentheses."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return ast.parse(source, "<rule>", mode="eval"), source, 0
            except SyntaxError as exc:
                first = exc
            wrapped = f"({source}\n)"
            return ast.parse(wrapped, "<rule>", mode="eval"), wrapped, 1
    except SyntaxError:
        line, col = first.lineno or 1, first.offset or 1
        msg = f"The rule is not well formed here: {first.msg}."
        if _INCOMPLETE.search(source):  # Python points at the start; the gap is at the end
            lines = source.rstrip().split("\n")
            line, col = len(lines), len(lines[-1]) + 1
            msg = "The rule ends before it is complete: a value or fact is missing here."
        if re.search(r"(?<![=!<>])=(?!=)", source):
            msg += " Use == to compare."
        if re.search(r"&&|\|\||!(?!=)", source):
            msg += " Write and, or, not instead of &&, ||, !."
        raise RuleError(RuleErrorCode.RULE_SYNTAX, msg, line, col) from None
    except (RecursionError, MemoryError, ValueError):
        raise RuleError(RuleErrorCode.RULE_SYNTAX, "The rule is nested too deeply.", 1, 1) from None


class _Checker:
    def __init__(self, source: str, shift: int, *, record: bool) -> None:
        self.source = source
        self.shift = shift
        self.lines = re.split(r"\r\n|\r|\n", source)
        self.record = record
        self.consts: dict[str, Any] = {}
        self.facts: list[str] = []
        self.depth = 0

    def fail(self, code: RuleErrorCode, node: ast.AST, message: str) -> RuleError:
        line = getattr(node, "lineno", 1)
        col_bytes = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        column = len(text.encode()[:col_bytes].decode(errors="ignore")) + 1
        column -= self.shift if line == 1 else 0
        return RuleError(code, message, line, column)

    def text(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or type(node).__name__

    def const_name(self, value: object) -> str:
        name = f"_k{len(self.consts)}"
        self.consts[name] = value
        return name

    def literal(self, value: object, decimal: bool) -> str:
        if decimal and isinstance(value, int | float) and not isinstance(value, bool):
            return self.const_name(Decimal(str(value)))
        if isinstance(value, float) and not math.isfinite(value):
            return self.const_name(value)
        return repr(value)

    def describe(self, val: _Val) -> str:
        return f"{self.text(val.node)} is {val.kind.value if val.kind else 'a list of values'}"

    def emit(self, val: _Val, decimal: bool) -> str:
        if val.is_const:
            return self.literal(val.const, decimal)
        if val.kind is None:
            items = frozenset(Decimal(str(v)) if decimal else v for v in val.items)
            return self.const_name(items)
        return val.code

    def check(self, node: ast.expr) -> _Val:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(_SYNTAX, node, "The rule is nested too deeply.")
        try:
            return self._check(node)
        finally:
            self.depth -= 1

    def _check(self, node: ast.expr) -> _Val:
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            parts = [self.boolean(v, f"Each side of {word}") for v in node.values]
            return _Val(FactType.BOOL, "(" + f" {word} ".join(parts) + ")", node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Constant):
            kind = _CONST_KIND.get(type(node.value))
            if kind is None:
                raise self.fail(
                    _FORBIDDEN, node, f"{self.text(node)} is not a value a rule can use."
                )
            return _Val(kind, repr(node.value), node, node.value, is_const=True)
        if isinstance(node, ast.Attribute | ast.Name):
            return self.fact(node)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return self.collection(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        hint = {
            ast.Subscript: "Square brackets (x[0]) are not allowed.",
            ast.BinOp: "Arithmetic (+ - * / % & |) is not supported; compare facts with values.",
            ast.Lambda: "lambda is not allowed.",
            ast.JoinedStr: "f-strings are not allowed; write plain text in quotes.",
            ast.IfExp: "if/else expressions are not allowed; use and/or.",
        }.get(type(node), "This is not allowed in a rule.")
        raise self.fail(_FORBIDDEN, node, f"{self.text(node)}: {hint}")

    def boolean(self, node: ast.expr, where: str) -> str:
        val = self.check(node)
        if val.kind is not FactType.BOOL:
            msg = f"{where} must be true or false, but {self.describe(val)}."
            if where == "A rule":
                msg += " Compare it with something, e.g. order.amount >= 5000."
            raise self.fail(_MISMATCH, node, msg)
        return self.emit(val, decimal=False)

    def unary(self, node: ast.UnaryOp) -> _Val:
        if isinstance(node.op, ast.Not):
            return _Val(
                FactType.BOOL, f"(not {self.boolean(node.operand, 'The part after not')})", node
            )
        inner = node.operand
        number = inner.value if isinstance(inner, ast.Constant) else None
        if isinstance(node.op, ast.USub | ast.UAdd) and type(number) in (int, float):
            assert isinstance(number, int | float)
            value = -number if isinstance(node.op, ast.USub) else number
            kind = _CONST_KIND[type(value)]
            return _Val(kind, repr(value), node, value, is_const=True)
        raise self.fail(_FORBIDDEN, node, f"{self.text(node)}: not allowed.")

    def fact(self, node: ast.expr) -> _Val:
        parts: list[str] = []
        cur: ast.expr = node
        while isinstance(cur, ast.Attribute):
            parts.append(cur.attr)
            cur = cur.value
        if not isinstance(cur, ast.Name):
            raise self.fail(_FORBIDDEN, node, f"{self.text(node)}: only facts have dots.")
        parts.append(cur.id)
        name = ".".join(reversed(parts))
        if any(p.startswith("_") for p in parts):
            raise self.fail(_FORBIDDEN, node, f"{name}: names with _ are not allowed.")
        kind = FACTS.get(name)
        if kind is None:
            raise self.fail(_UNKNOWN, node, self.unknown(name))
        if name not in self.facts:
            self.facts.append(name)
        code = f"f.{attr_name(name)}"
        if self.record:
            code = f"_r({name!r}, {code})"
        return _Val(kind, code, node, fact=name)

    def unknown(self, name: str) -> str:
        if name in FUNCTIONS:
            return f'{name} is a function; call it, e.g. contains(order.buyer_note, "urgent").'
        if name in GROUPS:
            example = next(f for f in FACTS if f.startswith(name + "."))
            return f"{name} is a group of facts; name one fact, e.g. {example}."
        pool = list(FACTS) + [f.split(".", 1)[1] for f in FACTS]
        close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
        if close:
            guess = next(f for f in FACTS if close[0] in (f, f.split(".")[1]))
            return f'Unknown fact "{name}". Did you mean "{guess}"?'
        return f'Unknown fact "{name}". Facts look like order.amount or customer.grade.'

    def collection(self, node: ast.List | ast.Tuple | ast.Set) -> _Val:
        items: list[Any] = []
        kinds: set[FactType] = set()
        for elt in node.elts:
            val = self.check(elt)
            if not val.is_const:
                msg = f"A list may hold only fixed values, not {self.text(elt)}."
                raise self.fail(_FORBIDDEN, elt, msg)
            items.append(val.const)
            assert val.kind is not None
            kinds.add(FactType.FLOAT if val.kind in NUMERIC else val.kind)
        if len(kinds) > 1:
            msg = f"{self.text(node)} mixes text, numbers and true/false; use one kind."
            raise self.fail(_MISMATCH, node, msg)
        return _Val(None, "", node, items=tuple(items), const=next(iter(kinds), None))

    def call(self, node: ast.Call) -> _Val:
        fn = node.func.id if isinstance(node.func, ast.Name) else None
        if fn not in FUNCTIONS or node.keywords:
            msg = f"{self.text(node.func)}(...) is not allowed; the only functions are " + _FNS
            raise self.fail(_FORBIDDEN, node, msg)
        if fn == "contains":
            if len(node.args) != 2:
                raise self.fail(_MISMATCH, node, 'Use contains(order.buyer_note, "text").')
            target, needle = self.check(node.args[0]), self.check(node.args[1])
            if target.fact is None or target.kind not in (FactType.STR, FactType.STR_SET):
                msg = "contains() looks inside a text fact or a set fact."
                raise self.fail(_MISMATCH, node.args[0], msg)
            if not (needle.is_const and needle.kind is FactType.STR):
                raise self.fail(_MISMATCH, node.args[1], "contains() looks for text in quotes.")
            return _Val(FactType.BOOL, f"({needle.code} in {target.code})", node)
        fact = FUNCTIONS[fn]
        assert fact is not None
        arg = self.check(node.args[0]) if len(node.args) == 1 else None
        if arg is None or arg.kind is not None or arg.const not in (FactType.STR, None):
            raise self.fail(_MISMATCH, node, f'Use {fn}(["A", "B"]) with a list of text values.')
        target = self.fact(ast.copy_location(ast.parse(fact, mode="eval").body, node))
        items = self.const_name(frozenset(arg.items))
        return _Val(FactType.BOOL, f"(not {items}.isdisjoint({target.code}))", node)

    def compare(self, node: ast.Compare) -> _Val:
        vals = [self.check(node.left)] + [self.check(c) for c in node.comparators]
        decimal = [v.kind is FactType.DECIMAL for v in vals]
        for i, op in enumerate(node.ops):
            self.pair(vals[i], op, vals[i + 1])
        codes = []
        for i, val in enumerate(vals):
            near = (i > 0 and decimal[i - 1]) or (i + 1 < len(vals) and decimal[i + 1])
            codes.append(self.emit(val, decimal=near))
        out = codes[0]
        for op, code in zip(node.ops, codes[1:], strict=True):
            out += f" {_OPS[type(op)]} {code}"
        return _Val(FactType.BOOL, f"({out})", node)

    def pair(self, left: _Val, op: ast.cmpop, right: _Val) -> None:
        symbol = _OPS.get(type(op))
        if symbol is None:
            raise self.fail(_FORBIDDEN, right.node, "Use == or != instead of is / is not.")
        lk, rk, lhs = left.kind, right.kind, self.text(left.node)
        if symbol in ("in", "not in"):
            if rk is None and lk is FactType.STR_SET:
                msg = f'{lhs} is a set; use any_sku([...]), any_category([...]) or "x" in {lhs}.'
                raise self.fail(_MISMATCH, left.node, msg)
            if rk is None and lk is not None:  # a literal list
                elem = right.const
                if elem is not None and elem is not (FactType.FLOAT if lk in NUMERIC else lk):
                    msg = f"{self.describe(left)}, but the list does not hold {lk.value}."
                    raise self.fail(_MISMATCH, right.node, msg)
                for item in right.items:
                    self.check_choice(left, item, right.node)
                return
            if rk in (FactType.STR_SET, FactType.STR) and lk is FactType.STR:
                return
            msg = (
                f"{symbol} needs text on its left and a list, a set fact or text on its right, "
                f"but {self.describe(left)} and {self.describe(right)}."
            )
            raise self.fail(_MISMATCH, right.node, msg)
        if lk is None or rk is None:
            node = left.node if lk is None else right.node
            raise self.fail(_MISMATCH, node, f"A list can only follow in / not in, not {symbol}.")
        numeric = lk in NUMERIC and rk in NUMERIC
        if numeric or (symbol in ("==", "!=") and lk is rk and lk is not FactType.STR_SET):
            for a, b in ((left, right), (right, left)):
                if b.is_const:
                    self.check_choice(a, b.const, b.node)
            return
        hint = ""
        if FactType.STR_SET in (lk, rk):
            hint = ' Test membership with "x" in order.skus or any_sku([...]).'
        elif symbol not in ("==", "!=") and lk is rk:
            hint = f" {symbol} compares numbers only."
        msg = f"Cannot compare with {symbol}: {self.describe(left)} but {self.describe(right)}."
        raise self.fail(_MISMATCH, right.node, msg + hint)

    def check_choice(self, val: _Val, value: object, node: ast.expr) -> None:
        choices = CHOICES.get(val.fact or "")
        if choices is None or not isinstance(value, str) or value in choices:
            return
        close = difflib.get_close_matches(value, sorted(choices), n=1)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        msg = f'{val.fact} is never "{value}"; it is one of {", ".join(sorted(choices))}.{hint}'
        raise self.fail(_MISMATCH, node, msg)
