// Package synth generates realistic synthetic customer records with known
// duplicates, for testing record linkage (quality/match) and data-quality
// pipelines on data whose truth is known.
//
// Start with Generate: it streams Config.N records to a callback, each with
// its true EntityID, in constant memory and deterministically (the same
// Config gives the same records, byte for byte; the generator uses
// math/rand/v2's PCG seeded from Config.Seed and no global state). Header
// gives the column layout of a locale; Record.Values follows it. The command
// `c360 synth` writes the records and the truth as CSV files.
//
// # Entities and duplicates
//
// An entity (one real person) has 1 to Config.MaxClusterSize records (default
// 5). Config.DupRate (default 0.5) of the entities have two or more; their
// size starts at 2 and each further record is added with probability 0.4
// (mean ≈ 2.6, about 1.8 records per entity overall). The first record of an
// entity carries only notation variation and missing values; its duplicates
// also carry errors. Records of one entity are spread over the output by a
// shuffle window of 8,192 records; record IDs (R00000001, …) follow the output
// order, entity IDs (E0000001, …) the order of creation.
//
// # Japanese records (Locale "ja")
//
// Columns: record_id, family_name, given_name, family_kana, given_kana,
// birth_date, email, phone, postal_code, prefecture, address, company,
// source_system.
//
// Names come from our own lists of about 290 common family names with their
// readings, drawn with a heavy-tailed frequency by rank (佐藤, 鈴木, 高橋 most
// common), and about 170 given-name readings with their usual kanji
// spellings, by sex and by the era of the birth year (1935–2007). Addresses
// are real: about 5,900 postal codes with their prefecture, municipality and
// town, sampled from Japan Post's data in proportion to prefecture
// population, with a generated 丁目-番-号 or 番地 and, for 35%, a building
// and room. Landlines use the real area codes of the address's numbering
// area when its name matches the municipality (about half of the places),
// else one of the prefecture's. 92% of people have a mobile (090/080/070,
// 3% an IP phone 050); 50% of households a landline, shown instead of the
// mobile by 60% of the people born before 1965 who have both and 25% of the
// younger ones.
// E-mail addresses are built from the romanised name (Hepburn, long vowels
// dropped or spelt ou/oh, or Kunrei) and are unique. Half the adults have an
// employer (a fictional company with a legal form). source_system is one of
// crm, ec, pos, support, app, event.
//
// Notation varies on every record (rates per record):
//   - readings by source system: pos (a legacy till) half-width katakana
//     80%, else katakana; ec and app (web forms) hiragana 60%, else
//     katakana; crm, support and event hiragana 10%, else katakana; overall
//     katakana 62%, hiragana 26%, half-width 12%;
//   - full name in family_name, given_name empty (separator U+3000, space or
//     none): 5%; variant kanji (髙/高, 﨑/崎, 邊/辺, 齋/斎, 澤/沢, 𠮷/吉,
//     辻+U+E0100, …): 30% of records whose name has such a character;
//     佐々木 written 佐佐木: 25% of records with 々;
//   - birth_date: 1985-04-03 55%, 1985/04/03 20%, 1985/4/3 10%, 19850403 5%,
//     1985年4月3日 5%, 昭和60年4月3日 5%;
//   - phone: 0312345678 20%, 03-1234-5678 45%, (03)1234-5678 or 03(1234)5678
//     10%, +81 3-1234-5678 8%, full width 10%, 03 1234 5678 7%;
//   - postal_code: 100-0001 55%, 1000001 20%, 〒100-0001 12%, 〒1000001 5%,
//     full width 8%;
//   - address: 1丁目2番3号 35%, 1-2-3 40%, 一丁目二番三号 5%, 1丁目2-3 12%,
//     full width 5%, 一丁目2-3 3% (番地 towns: 123番地4 35%, 123-4 45%,
//     百二十三番地四 5%, full width 10%, 123番4 5%); a space or U+3000
//     before the block 20%; building left out 20%; prefecture repeated in
//     the address 8%; prefecture column empty 12%;
//   - company: 株式会社X, (株)X, （株）X, ㈱X, legal form dropped, …;
//   - e-mail: upper case 4%, full width 2%; a stray leading or trailing space
//     in one value 3%;
//   - name in romaji (Yamada / Taro, upper case in 30% of them; "Taro Yamada"
//     when in one field): 1.5%;
//   - town with ケ/ヶ/が or の/ノ swapped (旭ケ丘 / 旭ヶ丘 / 旭が丘): 40% of records
//     whose town has one;
//   - hyphens typed as ー, −, ‐ or ― (the long-vowel mark is the commonest
//     slip of Japanese input): 4% per field (phone, postal code, address).
//
// Errors on duplicates (scaled by Config.Noise): kana typo 6% (voicing
// サキ/ザキ, long vowel ウ/ー, dropped or neighbouring kana); given name in
// another kanji of the same reading (input-method slip, 裕子/優子) 4%;
// family name changed by marriage 3% of adult women; e-mail changed 8%;
// e-mail typo 4% (in the local part, a misspelt domain such as gmial.com or
// yahoo.co.jo, or another romanisation: satou/sato/satoh, shi/si); phone
// changed 5%, phone typo 3%, the other of the person's numbers 10%; moved 5%
// (a new address, half the time in the same prefecture; all moved
// duplicates of an entity share one new address); birth-date typo (digit,
// day/month swap, year ±1) 3%; postal-code typo 2%.
//
// Missing values on any record depend on the source system, because each
// system collects different fields (rates before Config.Noise scaling;
// company as a share of records of people with a company):
//
//	system   share  birth_date email phone kana postal address company
//	crm      30%    35%        10%   5%    10%  10%    8%      5%
//	ec       25%    30%        0%    5%    5%   2%     2%      60%
//	pos      15%    5%         45%   5%    2%   3%     3%      80%
//	support  12%    60%        30%   0%    5%   30%    30%     30%
//	app      10%    5%         2%    30%   20%  40%    45%     70%
//	event    8%     60%        2%    40%   30%  50%    55%     10%
//
// Overall about 31% of birth dates, 14% of e-mails, 10% of phones and 16%
// of addresses are missing. A record never lacks all of birth date, e-mail
// and phone: the one its system most often has is then kept.
// With Config.PlaceholderRate (default none; SuggestedPlaceholderRate is
// 8%), that share of missing values is written as a placeholder instead of left empty (birth_date
// 1900-01-01, 1900/01/01, 0000-00-00 or 不明; email なし, -,
// none@example.com or noemail@example.jp; phone 000-0000-0000, 0000000000,
// - or 不明; family_kana フメイ, ダミー or ー; postal_code 000-0000 or
// 0000000; address 不明, - or 住所不明; company なし, - or 個人), so that
// equal placeholders on unrelated records are a trap for naive matching.
//
// Hard negatives: household members (Config.HouseholdRate, default 8% of
// entities) are separate entities with the same family name, address and
// landline, another given name and birth date (10% share the first member's
// e-mail); twins (Config.TwinRate, default 0.3%) share the birth date too.
// Common family names make same-name strangers frequent.
//
// Every record's Noise field lists the kinds applied to it.
//
// # English records (Locale "en")
//
// FEBRL-like Australian records in lower case, with FEBRL's conventions
// (date_of_birth YYYYMMDD, phone "02 9876 5432"). Columns: record_id,
// given_name, surname, street_number, address_1, address_2, suburb,
// postcode, state, date_of_birth, phone, email. Our own lists: about 160
// given names (half female) with their usual nicknames, 230 surnames
// (heavy-tailed by rank), 90 street names with weighted street types, 130
// real suburbs with their postcode and state; 25% have an address_2 (unit,
// flat, level or a building name); 35% have a mobile (04…), the others a
// landline with the state's area code.
//
// Each duplicate gets one modification (probability min(1, Noise)); after
// the first a second with probability 0.7 × Noise, after the second a third
// with 0.5 × Noise, after the third a fourth with 0.4 × Noise (mean 2.2 at
// the default). A modification is one of
// (weight in %): keyboard typo in a name, street or suburb 30 (insertion,
// deletion, neighbouring key, transposition); OCR confusion 8 (o/0, l/1, m/rn
// …); phonetic respelling 10 (ph/f, ck/k, ie/y …); a missing value 14;
// given name and surname swapped 4; nickname 6 (william → bill); birth date
// with day and month swapped (60% when the day is at most 12) or the day
// changed 8; a digit of postcode, phone or street number changed 12;
// e-mail misspelt or changed 8. Missing values on any record: given_name 2%,
// street_number 3%, date_of_birth 3%, phone 5%, email 10%. English has no
// household or twin generation.
//
// The place table is generated from ../shared/data/jp-reference by
// internal/gen/synthdata (go generate); see NOTICE for the attribution.
package synth
