"""The party_role model: registered, declares its inputs and outputs, classifies fixed blocks."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cosy.config import Settings
from cosy.corpus import generate_document
from cosy.engine.step import StepContext
from cosy.inference.resources import Resources
from cosy.steps import layout, parse
from cosy.steps.fields.party.features import PARTY_ROLES, party_spec
from cosy.steps.fields.party.model import PartyBlock
from cosy.steps.fields.party.select import PARTY_ROLE_MODEL, party_block_role
from models.recipes.corpus import page_title as title_of
from models.recipes.corpus import page_words
from models.recipes.party_role import HELDOUT, label_of
from tests.stages import party_blocks, select_parties
from tests.unit.test_fields_party import place


@pytest.fixture(scope="module")
def ctx() -> StepContext:
    resources = Resources(Settings(onnx_threads=1))
    return StepContext("doc", "t", None, resources.settings, resources)


def _argmax(probs: list[dict[str, float]]) -> list[str]:
    return [max(p, key=p.__getitem__) for p in probs]


def _page_roles(ctx: StepContext, rows: list[tuple[float, float, str]]) -> list[str]:
    blocks, contexts = party_blocks(place(rows))
    return _argmax(party_block_role([blocks], [contexts], "invoice", SimpleNamespace(pages=1),
                                    ctx))


def test_model_is_registered_with_its_signature(ctx: StepContext) -> None:
    spec = ctx.resources.model(PARTY_ROLE_MODEL)
    assert spec.labels == PARTY_ROLES
    assert spec.features["dim"] == party_spec()["dim"]
    assert spec.inputs[0].shape == (None, party_spec()["dim"])
    assert spec.outputs[1].shape == (None, len(PARTY_ROLES))
    assert spec.path.stat().st_size < 20 * 1024 * 1024


def test_sender_line_window_and_delivery_address(ctx: StepContext) -> None:
    rows = [(55, 138, "Kraxi GmbH · Flugzeugallee 17 · 12345 Papierfeld · Deutschland"),
            (55, 165, "Papierflieger-Vertriebs-GmbH"), (55, 178, "Rabattstr. 25"),
            (55, 191, "34567 Osterhausen"),
            (330, 165, "Lieferanschrift:"), (330, 178, "Lager Nord GmbH"),
            (330, 191, "Hafenstraße 3"), (330, 204, "20457 Hamburg")]
    assert _page_roles(ctx, rows) == ["seller", "buyer", "other"]


def test_labelled_sections(ctx: StepContext) -> None:
    rows = [(70, 160, "Verkäufer"), (70, 178, "Lieferant GmbH"), (70, 196, "Lieferantenstraße 20"),
            (70, 214, "80333 München"), (320, 160, "Käufer"), (320, 178, "Kunden AG"),
            (320, 196, "Kundenstraße 15"), (320, 214, "69876 Frankfurt")]
    assert _page_roles(ctx, rows) == ["seller", "buyer"]


def test_held_out_documents(ctx: StepContext) -> None:
    for seed in range(HELDOUT.start, HELDOUT.start + 4):
        pdf, truth = generate_document(seed, family="classic")
        pages: list[tuple[list[PartyBlock], list[dict[str, float]]]] = []
        title = None
        for n in range(1, truth["pages"] + 1):
            words = page_words(pdf, n)
            title = title_of(pdf, words) if n == 1 else title
            pages.append(party_blocks(layout.lines(words), n,
                                     parse.geometry(parse.open_page(pdf, n))))
        probs = party_block_role([p[0] for p in pages], [p[1] for p in pages], title,
                                 SimpleNamespace(pages=truth["pages"]), ctx)
        blocks = [b for p in pages for b in p[0]]
        assert _argmax(probs) == [label_of(b, truth) for b in blocks]
        found = select_parties(blocks, title, probs)
        assert found["seller_address"].value["postal_code"] == \
            truth["fields"]["seller_address"]["postcode"]
        assert found["buyer_address"].value["postal_code"] == \
            truth["fields"]["buyer_address"]["postcode"]
        assert found["seller_name"].model == PARTY_ROLE_MODEL
