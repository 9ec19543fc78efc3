"""TITLE grammar (pipeline/titles.py, lang/id/title_grammar.yaml) and the v2 span rules in NER,
on Indonesian news sentences, without the statistical model (titles come from rules)."""
import pytest

from pipeline.titles import TitleGrammar


@pytest.fixture(scope="module")
def rules_only():
    import pipeline

    return pipeline.load({"pipeline": {"model": None}, "clean": {"enabled": False}})


def spans(annotator, text, label):
    return [e["text"] for e in annotator(text)["entities"] if e["label"] == label]


@pytest.mark.parametrize("text,titles", [
    # qualifiers and internal units stay in the title; the party's name is not in it
    ("Wakil Ketua Umum DPP Partai Gerindra Fadli Zon hadir di sana.", ["Wakil Ketua Umum DPP"]),
    ("Ketua Dewan Pembina Partai Demokrat Susilo Bambang Yudhoyono menolak.", ["Ketua Dewan Pembina"]),
    ("Wakil Ketua Komisi III DPR Desmond J Mahesa mengkritik.", ["Wakil Ketua Komisi III"]),
    ("Sekretaris Jenderal PBB Antonio Guterres mengecam serangan itu.", ["Sekretaris Jenderal"]),
    ("mantan Presiden Susilo Bambang Yudhoyono datang.", ["mantan Presiden"]),
    ("Presiden terpilih Joko Widodo menyapa warga.", ["Presiden terpilih"]),
    ("Plt Bupati Bekasi Eka Supria Atmaja menerima tamu.", ["Plt Bupati"]),
    # compositional portfolios, not a list
    ("Menteri Komunikasi dan Informatika Rudiantara berbicara.", ["Menteri Komunikasi dan Informatika"]),
    ("Menteri Koordinator bidang Politik, Hukum dan Keamanan Wiranto tiba.",
     ["Menteri Koordinator bidang Politik, Hukum dan Keamanan"]),
    ("Penasehat Hubungan Luar Negeri Presiden Korea Selatan, Moon Chung-in, tiba di Bogor.",
     ["Penasehat Hubungan Luar Negeri Presiden"]),
    # abbreviated offices
    ("Menko Kesra Agung Laksono dan Wasekjen PKB Daniel Johan hadir.", ["Menko Kesra", "Wasekjen"]),
    ("Kapolri Tito Karnavian memberi keterangan.", ["Kapolri"]),
    # a bracketed abbreviation of the office is part of it
    ("Menteri Luar Negeri (Menlu) Retno Marsudi menerima tamu.", ["Menteri Luar Negeri (Menlu)"]),
    ("Perdana Menteri (PM) Israel Benjamin Netanyahu berkampanye.", ["Perdana Menteri (PM)"]),
    # the title stops where the organization or place begins
    ("Ketua Komisi Pemberantasan Korupsi (KPK) Agus Rahardjo mengatakan itu.", ["Ketua"]),
    ("Juru Bicara Kementerian Pertahanan Rusia Igor Konashenkov mengatakan itu.", ["Juru Bicara"]),
    ("Menteri Luar Negeri Rusia Sergei Lavrov tiba di Jenewa.", ["Menteri Luar Negeri"]),
    # ... unless another organization follows the body word: then it was an internal unit
    ("kata Direktur Departemen Eropa Pertama Kementerian Luar Negeri Rusia, Igor Morgulov.",
     ["Direktur Departemen Eropa Pertama"]),
    ("Ia didampingi anggota fraksi partai Gerindra Budi Santoso.", ["anggota fraksi"]),
])
def test_titles_are_composed(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


@pytest.mark.parametrize("text", [
    "Prabowo kembali maju sebagai calon Presiden pada pemilu itu.",
    "Para menteri hadir dalam sidang kabinet.",
])
def test_candidacies_and_plurals_are_no_office(rules_only, text):
    assert spans(rules_only, text, "TITLE") == []


def test_a_head_inside_a_name_is_part_of_the_name(rules_only):
    text = "Sidang itu dihadiri Menteri Agama Lukman Hakim Saifuddin dan para ulama."
    assert spans(rules_only, text, "TITLE") == ["Menteri Agama"]


@pytest.mark.parametrize("text,name", [
    ("Ketua Komisi Pemberantasan Korupsi (KPK) Agus Rahardjo mengatakan itu.", "Komisi Pemberantasan Korupsi (KPK)"),
    ("Presiden Amerika Serikat (AS) Donald Trump tiba.", "Amerika Serikat (AS)"),
])
def test_a_name_with_its_bracketed_abbreviation_is_one_span(rules_only, text, name):
    assert name in [e["text"] for e in rules_only(text)["entities"]]


def test_a_persons_bracketed_nickname_stays_apart(annotator):
    ents = [(e["label"], e["text"]) for e in annotator("Presiden Joko Widodo (Jokowi) menerima tamu.")["entities"]]
    assert ("PER", "Joko Widodo (Jokowi)") not in ents and ("TITLE", "Presiden") in ents


def test_honorifics_are_not_part_of_the_person(annotator):
    ents = [(e["label"], e["text"]) for e in
            annotator("Emir Kuwait Sheikh Sabah al-Ahmed al-Jaber al-Sabah menelepon Raja Salman.")["entities"]]
    assert ("PER", "Sheikh") not in ents
    assert not [t for lab, t in ents if lab == "PER" and t.startswith("Sheikh")]


def test_quote_excludes_the_comma_before_its_attribution(rules_only):
    doc = rules_only('"Kami akan kembali ke meja perundingan," kata Lavrov.')
    assert [e["text"] for e in doc["entities"] if e["label"] == "QUOTE"] == ["Kami akan kembali ke meja perundingan"]


def test_grammar_file_has_every_word_class():
    g = TitleGrammar.load()
    assert g.heads and g.qualifiers and g.modifiers and g.units and g.abbreviations and g.body_words
    assert ("menteri",) in g.portfolio_heads and "menko" in g.abbreviated_portfolio


def test_clickid_paragraph_joins_are_split_into_tokens(rules_only):
    toks = [t["text"] for t in rules_only('ujar JPU KPK.,Dalam perkara ini, kata dia.,"Kami pergi."')["tokens"]]
    assert toks[:7] == ["ujar", "JPU", "KPK", ".", ",", "Dalam", "perkara"]
    assert '"' in toks and "Kami" in toks


@pytest.mark.parametrize("text,label,name", [
    ("Duta Besar Kerajaan Arab Saudi untuk Indonesia tiba di Serang.", "LOC", "Kerajaan Arab Saudi"),
    ("Ia didampingi anggota fraksi partai Gerindra H. Budi Santoso.", "ORG", "partai Gerindra"),
    ("Wakil Ketua DPRD Provinsi Jawa Timur Sahat Simanjuntak memastikan hal itu.", "ORG", "DPRD Provinsi Jawa Timur"),
])
def test_v2_names_as_written(rules_only, text, label, name):
    assert (label, name) in [(e["label"], e["text"]) for e in rules_only(text)["entities"]]


def test_a_short_quotation_is_speech_only_before_an_attribution(rules_only):
    quotes = lambda t: [e["text"] for e in rules_only(t)["entities"] if e["label"] == "QUOTE"]  # noqa: E731
    assert quotes('"Kebohongan maksimal," tulis Zarif di Twitter.') == ["Kebohongan maksimal"]
    assert quotes('Pompeo menyebut serangan itu "aksi perang" dari Iran.') == []


@pytest.mark.parametrize("text,titles", [
    # the field of an office (`Bidang X`) after any head
    ("Staf Khusus Presiden Bidang Ekonomi Arif Budimanta hadir.", ["Staf Khusus Presiden Bidang Ekonomi"]),
    ("Ketua Bidang Hukum DPP Partai Demokrat Didik Mukrianto hadir.", ["Ketua Bidang Hukum DPP"]),
    # the office of a deputy after a head; a repeated head is the next person's title
    ("Juru Bicara Wakil Presiden Husain Abdullah mengatakan hal itu.", ["Juru Bicara Wakil Presiden"]),
    ("Utusan itu Penasihat Hubungan Luar Negeri Presiden Presiden Xi Jinping, Song Tao.",
     ["Penasihat Hubungan Luar Negeri Presiden", "Presiden"]),
    # a body phrase followed by the office's abbreviation in brackets is the office
    ("Kepala Staf Angkatan Darat (KSAD) Jenderal TNI Andika Perkasa meninjau latihan.",
     ["Kepala Staf Angkatan Darat (KSAD)"]),
    # ordinals belong to the title
    ("Dari era Presiden keenam Susilo Bambang Yudhoyono hingga Presiden ke-7 Joko Widodo.",
     ["Presiden keenam", "Presiden ke-7"]),
    # offices of the DPR's bodies, portfolios that are no -an words
    ("kata Anggota Badan Legislasi dari Partai Keadilan Sejahtera Ledia Hanifa Amaliah.", ["Anggota Badan Legislasi"]),
    ("Direktur Jenderal Pajak Robert Pakpahan hadir.", ["Direktur Jenderal Pajak"]),
    ("Sekretaris Kabinet Pramono Anung membacakan keputusan itu.", ["Sekretaris Kabinet"]),
    ("Juru Bicara Kepresidenan Fadjroel Rachman hadir.", ["Juru Bicara Kepresidenan"]),
    ("Ketua Umum Pengurus Besar Nahdlatul Ulama Said Aqil Siradj hadir.", ["Ketua Umum Pengurus Besar"]),
])
def test_more_composed_titles(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


@pytest.mark.parametrize("text,titles", [
    ("Komisaris Jenderal Budi Waseso hadir.", []),                        # a police rank, no office
    ("Komisaris Utama PT Pertamina Basuki Tjahaja Purnama hadir.", ["Komisaris Utama"]),
    ("Mantan Ketua Mahkamah Konstitusi Mahfud MD menilai Perppu itu sah.", ["Mantan Ketua"]),  # MD: initials
])
def test_ranks_and_name_initials_are_no_office(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


def test_abstract_nouns_missing_from_the_dictionary_are_portfolios(rules_only):
    assert spans(rules_only, "Menteri Ketenagakerjaan Hanif Dhakiri hadir.", "TITLE") == ["Menteri Ketenagakerjaan"]
    assert spans(rules_only, "Menko Kemaritiman Luhut Binsar Pandjaitan hadir.", "TITLE") == ["Menko Kemaritiman"]


@pytest.mark.parametrize("text,titles", [
    # a serial comma inside a portfolio (`Politik, Hukum, dan Keamanan`)
    ("Presiden didampingi Menteri Koordinator Bidang Politik, Hukum, dan Keamanan Wiranto.",
     ["Presiden", "Menteri Koordinator Bidang Politik, Hukum, dan Keamanan"]),
    # offices whose second word would otherwise start a body or a name
    ("\"Dilaksanakan secara terbuka,\" tutur Koordinator Pusat Aliansi BEM SI, Muhammad Nurdiansyah.",
     ["Koordinator Pusat"]),
    ("Gaji Hakim Agung Mahkamah Agung naik tahun ini.", ["Hakim Agung"]),
    ("Dirjen Pajak Robert Pakpahan menjelaskan hal itu.", ["Dirjen Pajak"]),
    # an office word right after a body word names the body, not a person's office
    ("Hal itu disampaikan Kepala Sekretariat Presiden, Heru Budi Hartono.", ["Kepala"]),
])
def test_titles_of_the_second_pass(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


def test_a_body_word_with_acronyms_is_one_organization(rules_only):
    text = "\"Dilaksanakan secara terbuka,\" tutur Koordinator Pusat Aliansi BEM SI, Muhammad Nurdiansyah."
    assert "Aliansi BEM SI" in spans(rules_only, text, "ORG")
    assert "Aliansi BEM SI" not in spans(rules_only, text, "PER")
    # an acronym right after a unit word is still the organization the unit belongs to
    assert spans(rules_only, "Rapat dihadiri Ketua Fraksi PKS Jazuli Juwaini.", "TITLE") == ["Ketua Fraksi"]


def test_a_place_before_the_name_is_split_off_when_the_text_uses_it_as_a_place(rules_only):
    text = ("Rini Soemarno melakukan kunjungan ke Zanzibar pekan ini. Di sana ia bertemu dengan Presiden Zanzibar "
            "Ali Muhammad Shein.")
    assert "Ali Muhammad Shein" in spans(rules_only, text, "PER")
    assert "Zanzibar Ali Muhammad Shein" not in spans(rules_only, text, "PER")
    # without such a use the run stays one person (`Presiden Joko Widodo`: no `ke Joko`)
    assert "Joko Widodo" in spans(rules_only, "Presiden Joko Widodo menerima tamu.", "PER")


def test_a_name_with_particles_after_a_title_is_a_person(annotator):
    doc = annotator("Raja Salman bin Abdulaziz al-Saud dari Arab Saudi menerima telepon dari sejumlah pemimpin Arab.")
    assert "Salman bin Abdulaziz al-Saud" in [e["text"] for e in doc["entities"] if e["label"] == "PER"]


@pytest.mark.parametrize("text,titles", [
    # a committee named by its subject is a unit of the office
    ("Terpisah Ketua Pansus Pemindahan Ibu Kota, Zainudin Amali menargetkan hasil kerja rampung.",
     ["Ketua Pansus Pemindahan Ibu Kota"]),
    ("Ketua Panja RUU KPK Totok Daryanto membantah.", ["Ketua Panja RUU KPK"]),
    # portfolios with `Pemerintah Daerah`, `Ilmu Pengetahuan`, `Perubahan Iklim`
    ("Usulan Menteri Perumahan dan Pemerintah Daerah Zuraida Kamaruddin belum dibahas.",
     ["Menteri Perumahan dan Pemerintah Daerah"]),
    ("Hal itu dikatakan Menteri Energi, Ilmu Pengetahuan, Teknologi, Lingkungan, dan Perubahan Iklim Yeo Bee Yin.",
     ["Menteri Energi, Ilmu Pengetahuan, Teknologi, Lingkungan, dan Perubahan Iklim"]),
])
def test_committees_and_long_portfolios(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


def test_an_internal_unit_before_a_listed_organization_stays_in_the_title(annotator):
    doc = annotator("Kepala Biro Penerangan Masyarakat Divisi Humas Polri Brigadir Jenderal Rikwanto membantah isu itu.")
    ents = [(e["label"], e["text"]) for e in doc["entities"]]
    assert ("TITLE", "Kepala Biro Penerangan Masyarakat Divisi Humas") in ents and ("ORG", "Polri") in ents, ents
    # a body right after the head is still the organization (`Ketua Komisi Pemberantasan Korupsi`)
    doc = annotator("Ketua Komisi Pemberantasan Korupsi Agus Rahardjo hadir.")
    assert ("TITLE", "Ketua") in [(e["label"], e["text"]) for e in doc["entities"]]


@pytest.mark.parametrize("text,titles", [
    # the portfolio's own abbreviation in brackets is part of the office (relations-dev decision 2)
    ("Hadir pula Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR) Basuki Hadimuljono.",
     ["Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR)"]),
    ("Menteri Perencanaan Pembangunan Nasional (PPN) Bambang Brodjonegoro tiba.",
     ["Menteri Perencanaan Pembangunan Nasional (PPN)"]),
    # ... but a country in brackets is no abbreviation of the office
    ("Menteri Luar Negeri (AS) Mike Pompeo tiba.", ["Menteri Luar Negeri"]),
    # a qualifier with its abbreviation, and `Manusia` in a portfolio
    ("Darmin menjadi Pelaksana Tugas (Plt) Menko Bidang Pembangunan Manusia dan Kebudayaan (PMK) kemarin.",
     ["Pelaksana Tugas (Plt) Menko Bidang Pembangunan Manusia dan Kebudayaan (PMK)"]),
    # `Fraksi` ending the phrase is the office's unit, the party named elsewhere in the sentence
    ("Partai NasDem menunjuk Taufik Basari sebagai Ketua Fraksi, Syarief Al Kadri sebagai Sekretaris Fraksi "
     "dan Ahmad Fadholi sebagai Bendahara Fraksi.", ["Ketua Fraksi", "Sekretaris Fraksi", "Bendahara Fraksi"]),
    # ... and before a party's name it stays the unit, the party its own span
    ("Ketua Fraksi PDIP Utut Adianto hadir.", ["Ketua Fraksi"]),
])
def test_bracketed_portfolio_abbreviations_and_units_ending_the_title(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


def test_model_spans_do_not_cut_the_office_or_swallow_its_head(annotator):
    # a model ORG on the bracketed abbreviation does not cut the title before it
    doc = annotator("Dalam acara itu hadir Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR) Basuki Hadimuljono.")
    ents = [(e["label"], e["text"]) for e in doc["entities"]]
    assert ("TITLE", "Menteri Pekerjaan Umum dan Perumahan Rakyat (PUPR)") in ents, ents
    assert ("PER", "Basuki Hadimuljono") in ents, ents
    # a model PER that runs into a title (`Netanyahu Perdana`) ends before it when the title runs on
    doc = annotator("Gantz tidak akan melibatkan Benjamin Netanyahu Perdana Menteri Israel saat ini.")
    ents = [(e["label"], e["text"]) for e in doc["entities"]]
    assert ("PER", "Benjamin Netanyahu") in ents and ("TITLE", "Perdana Menteri") in ents, ents


def test_a_model_person_that_begins_inside_a_title_ends_it(annotator):
    # `Puan` is a dictionary word ending like a portfolio noun: the model's person says the name begins there
    doc = annotator("Presiden menunjuk Menko Bidang Pembangunan Manusia dan Kebudayaan Puan Maharani kemarin.")
    ents = [(e["label"], e["text"]) for e in doc["entities"]]
    assert ("TITLE", "Menko Bidang Pembangunan Manusia dan Kebudayaan") in ents, ents
    assert ("PER", "Puan Maharani") in ents, ents


@pytest.mark.parametrize("text,titles", [
    # a lower-case body word with its lower-case field is the office's unit; the organization follows
    ("Saat itu, Fahri juga masih menjabat sebagai anggota komisi hukum DPR.", ["anggota komisi hukum"]),
    # ... not a party (`anggota partai politik` is no office's unit)
    ("Ia menjadi anggota partai politik sejak muda.", ["anggota"]),
    # `Dalam`/`Luar` are portfolio words only before `Negeri`
    ("Hal itu disampaikan Menteri Dalam Negeri Tjahjo Kumolo.", ["Menteri Dalam Negeri"]),
    ("Demikian disampaikan kepala biro pers sekretaris presiden Dalam keterangan tertulisnya itu.",
     ["kepala biro pers sekretaris presiden"]),
])
def test_lower_case_units_and_portfolio_words_that_need_their_partner(rules_only, text, titles):
    assert spans(rules_only, text, "TITLE") == titles


def test_a_plural_office_is_none_but_a_head_after_its_portfolio_starts_one(rules_only):
    text = "Pengusaha curhat di depan para Menteri Kabinet Kerja Presiden Joko Widodo dan para Wakil Ketua KPK."
    assert spans(rules_only, text, "TITLE") == ["Presiden"]
