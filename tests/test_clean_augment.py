"""Compositional training pages of the cleaner (pipeline/clean_augment.py): labels by construction."""
from pathlib import Path

from pipeline.clean_augment import PAGE_TOP_CHARS, Article, load_articles, page_tops, synth_pages

from .conftest import shared

TEMPLATE = [
    ("Home", "nav"), ("Nasional", "nav"),
    ("Banjir Rendam Ratusan Rumah di Pesisir Demak", "title"),
    ("Penulis: Rina Hapsari | Editor: Dedi Kurnia", "byline"),
    ("Senin, 12 Februari 2024 | 09:15 WIB", "dateline_meta"),
    ("Demak - Banjir merendam ratusan rumah di tiga desa pesisir Demak sejak Minggu malam setelah hujan deras.", "content"),
    ("Baca juga: Tanggul Jebol, Warga Mengungsi ke Balai Desa", "related"),
    ("Warga mengungsi ke balai desa dan masjid yang lebih tinggi, kata kepala desa kepada wartawan.", "content"),
    ("Berita Terkait", "nav"),
    ("Harga Beras di Pasar Tradisional Kembali Naik Jelang Ramadan", "related"),
]
ARTICLES = [
    Article("kompas", "Petani Garam di Rembang Mulai Panen Lebih Awal",
            ("Petani garam di Rembang mulai memanen garam lebih awal karena kemarau datang lebih cepat tahun ini.",
             "Harga garam di tingkat petani saat ini berkisar antara Rp 1.500 hingga Rp 2.000 per kilogram.",
             "Dinas Kelautan setempat memperkirakan produksi garam tahun ini akan naik dibanding tahun lalu.")),
    Article("tempo", "Pemkot Surabaya Tambah Armada Bus Sekolah Gratis",
            ("Pemerintah Kota Surabaya menambah armada bus sekolah gratis untuk melayani siswa di pinggiran kota.",
             "Bus baru itu akan beroperasi pada jam berangkat dan pulang sekolah mulai pekan depan.",
             "Wali kota berharap orang tua tidak lagi mengantar anak dengan sepeda motor ke sekolah.")),
]


def test_synthetic_page_puts_the_article_in_the_template():
    pages = synth_pages([TEMPLATE], ARTICLES, per_template=2, seed=0, swap_p=0.0)
    assert len(pages) == 2
    for page, art in zip(pages, ARTICLES):
        assert [t for t, y in page if y == "title"] == [art.title]
        body = [t for t, y in page if y == "content"]
        assert body and body == list(art.paragraphs[:len(body)])
        # the template's boilerplate stays where it was, with its kind
        assert page[:2] == TEMPLATE[:2] and page[3:5] == TEMPLATE[3:5]
        assert ("Berita Terkait", "nav") in page
        assert sum(len(t) + 1 for t, _ in page) <= PAGE_TOP_CHARS
    assert pages == synth_pages([TEMPLATE], ARTICLES, per_template=2, seed=0, swap_p=0.0)


def test_clickid_articles_are_repaired_and_sampled_deterministically():
    data = Path(shared("news-corpus-clickid")).parent
    arts = load_articles(data, limit=50, seed=0)
    assert len(arts) == 50 and arts == load_articles(data, limit=50, seed=0)
    for a in arts:
        assert a.title and len(a.paragraphs) >= 3
        assert not any(p.startswith(("-", ",")) for p in a.paragraphs)
    # the commas left where the scraper removed link text mostly go (some ",word" scars stay)
    paras = [p for a in arts for p in a.paragraphs]
    assert sum(" , " in p for p in paras) <= 0.02 * len(paras)


FULL_PAGE = ([("Beranda", "nav"), ("Nasional", "nav"), ("Ekonomi", "nav"), ("Olahraga", "nav"),
              ("Banjir Rendam Ratusan Rumah di Pesisir Demak", "title"),
              ("Rina Hapsari - Senin, 12 Februari 2024 | 09:15 WIB", "byline"),
              ("Warga mengungsi di balai desa Sayung, Demak. (Foto: Antara)", "caption")]
             + [(f"Demak - Banjir merendam rumah warga di desa ke-{k} sejak Minggu malam setelah hujan deras "
                 "mengguyur kawasan pesisir selama enam jam tanpa henti.", "content") for k in range(1, 13)]
             + [("Berita Terkait", "nav"),
                ("Tanggul Jebol, Warga Sayung Mengungsi ke Balai Desa", "related"),
                ("Harga Beras di Pasar Tradisional Kembali Naik Jelang Ramadan", "related"),
                ("Tentang Kami", "nav"), ("Pedoman Media Siber", "nav")])


def test_page_tops_are_cut_from_full_pages_with_their_gold_labels():
    tops = page_tops([FULL_PAGE], per_page=20, seed=1)
    assert len(tops) == 20 and tops == page_tops([FULL_PAGE], per_page=20, seed=1)
    gold = dict(FULL_PAGE)
    for top in tops:
        # every line and its label come from the full page, in the page's order
        assert all(gold[t] == y for t, y in top)
        order = [FULL_PAGE.index((t, y)) for t, y in top]
        assert order == sorted(order)
        assert sum(len(t) + 1 for t, _ in top) <= PAGE_TOP_CHARS
        assert sum(y == "content" for _, y in top) >= 2
        # a page top, not the whole page: the footer menu never comes first
        assert top[0][1] in ("nav", "title", "content")
    # some tops start at the title or the body, some keep a little chrome, and some end with
    # the related list after a shortened body
    assert any(top[0][1] == "nav" for top in tops) and any(top[0][1] != "nav" for top in tops)
    assert any(("Berita Terkait", "nav") in top for top in tops)
