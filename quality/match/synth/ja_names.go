package synth

import "strings"

// Japanese name lists compiled for this package (facts about common names, in
// our own selection and order). Surnames are in approximate order of
// frequency; surnameWeight turns the rank into a realistic, heavy-tailed
// frequency (佐藤 about 5× as common as the 50th name and 15× the 250th).

const jaSurnameList = `
佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ
小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ
木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト
阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ
長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト
斉藤:サイトウ 福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ
中野:ナカノ 三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ
中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ 柴田:シバタ
酒井:サカイ 宮崎:ミヤザキ 横山:ヨコヤマ 高木:タカギ 安藤:アンドウ 宮本:ミヤモト 大野:オオノ 小島:コジマ
谷口:タニグチ 今井:イマイ 工藤:クドウ 高田:タカダ 増田:マスダ 丸山:マルヤマ 杉山:スギヤマ 村田:ムラタ
大塚:オオツカ 小山:コヤマ 藤本:フジモト 平野:ヒラノ 新井:アライ 河野:コウノ 上野:ウエノ 野口:ノグチ
武田:タケダ 松井:マツイ 千葉:チバ 岩崎:イワサキ 菅原:スガワラ 木下:キノシタ 久保:クボ 佐野:サノ
野村:ノムラ 松尾:マツオ 市川:イチカワ 菊地:キクチ 杉本:スギモト 古川:フルカワ 大西:オオニシ 島田:シマダ
水野:ミズノ 桜井:サクライ 高野:タカノ 渡部:ワタナベ 吉川:ヨシカワ 山内:ヤマウチ 西田:ニシダ 飯田:イイダ
菊池:キクチ 西川:ニシカワ 小松:コマツ 北村:キタムラ 安田:ヤスダ 五十嵐:イガラシ 川口:カワグチ 平田:ヒラタ
関:セキ 中田:ナカタ 久保田:クボタ 服部:ハットリ 東:ヒガシ 岩田:イワタ 土屋:ツチヤ 川崎:カワサキ
福島:フクシマ 本田:ホンダ 辻:ツジ 樋口:ヒグチ 秋山:アキヤマ 田口:タグチ 永井:ナガイ 山中:ヤマナカ
中西:ナカニシ 吉村:ヨシムラ 川上:カワカミ 大橋:オオハシ 石原:イシハラ 松岡:マツオカ 浜田:ハマダ 馬場:ババ
森本:モリモト 矢野:ヤノ 浅野:アサノ 松下:マツシタ 星野:ホシノ 大久保:オオクボ 吉井:ヨシイ 荒木:アラキ
大島:オオシマ 内藤:ナイトウ 松浦:マツウラ 岡崎:オカザキ 大谷:オオタニ 熊谷:クマガイ 小池:コイケ 野田:ノダ
堀:ホリ 片山:カタヤマ 今村:イマムラ 桑原:クワハラ 高山:タカヤマ 小西:コニシ 菅野:カンノ 西山:ニシヤマ
早川:ハヤカワ 岡:オカ 黒田:クロダ 田辺:タナベ 望月:モチヅキ 吉岡:ヨシオカ 小沢:オザワ 永田:ナガタ
松村:マツムラ 荒井:アライ 大川:オオカワ 尾崎:オザキ 中井:ナカイ 上原:ウエハラ 堀内:ホリウチ 新田:ニッタ
篠原:シノハラ 根本:ネモト 水谷:ミズタニ 大竹:オオタケ 横田:ヨコタ 河合:カワイ 広瀬:ヒロセ 石橋:イシバシ
平井:ヒライ 森山:モリヤマ 成田:ナリタ 奥村:オクムラ 宮田:ミヤタ 岩本:イワモト 竹田:タケダ 大石:オオイシ
田島:タジマ 須藤:スドウ 川村:カワムラ 小田:オダ 中尾:ナカオ 北川:キタガワ 富田:トミタ 松原:マツバラ
岡村:オカムラ 沢田:サワダ 宮下:ミヤシタ 大山:オオヤマ 坂口:サカグチ 中谷:ナカタニ 奥田:オクダ 白石:シライシ
関口:セキグチ 萩原:ハギワラ 三宅:ミヤケ 小森:コモリ 杉浦:スギウラ 栗原:クリハラ 松永:マツナガ 吉野:ヨシノ
植田:ウエダ 古田:フルタ 内山:ウチヤマ 飯塚:イイヅカ 西尾:ニシオ 高井:タカイ 藤川:フジカワ 福井:フクイ
小原:オハラ 岩井:イワイ 細川:ホソカワ 松山:マツヤマ 泉:イズミ 坂井:サカイ 藤村:フジムラ 安達:アダチ
川島:カワシマ 野崎:ノザキ 平山:ヒラヤマ 堤:ツツミ 青山:アオヤマ 三上:ミカミ 南:ミナミ 小笠原:オガサワラ
土田:ツチダ 川田:カワダ 竹中:タケナカ 小泉:コイズミ 大和田:オオワダ 宇野:ウノ 浅井:アサイ 牧野:マキノ
村井:ムライ 武藤:ムトウ 大森:オオモリ 徳永:トクナガ 金井:カナイ 長尾:ナガオ 川原:カワハラ 広田:ヒロタ
吉本:ヨシモト 松崎:マツザキ 山岸:ヤマギシ 岸:キシ 片岡:カタオカ 本間:ホンマ 飯島:イイジマ 稲垣:イナガキ
関根:セキネ 岡野:オカノ 森下:モリシタ 石黒:イシグロ 長野:ナガノ 中原:ナカハラ 田原:タハラ 沼田:ヌマタ
川端:カワバタ 梅田:ウメダ 村山:ムラヤマ 大木:オオキ 大沢:オオサワ 三好:ミヨシ 平松:ヒラマツ 須田:スダ
坂田:サカタ 竹本:タケモト 吉原:ヨシハラ 堀田:ホッタ 米田:ヨネダ 小倉:オグラ 高島:タカシマ 岩下:イワシタ
石崎:イシザキ 西野:ニシノ 中沢:ナカザワ 野中:ノナカ 藤沢:フジサワ 榎本:エノモト 滝沢:タキザワ 菅:スガ
津田:ツダ 宮原:ミヤハラ 金田:カネダ 大村:オオムラ 庄司:ショウジ 古賀:コガ 藤岡:フジオカ 藤野:フジノ
小谷:コタニ 田代:タシロ 岸本:キシモト 北野:キタノ 谷:タニ 伊東:イトウ 戸田:トダ 松島:マツシマ
福本:フクモト 岩瀬:イワセ 大井:オオイ 長島:ナガシマ 上村:ウエムラ 山根:ヤマネ 川合:カワイ 浅田:アサダ
福原:フクハラ 三木:ミキ 安井:ヤスイ 植木:ウエキ 本多:ホンダ 西岡:ニシオカ 森川:モリカワ 池上:イケガミ
奥山:オクヤマ 黒木:クロキ 上杉:ウエスギ 今野:コンノ 金城:キンジョウ 比嘉:ヒガ 新垣:アラカキ 大城:オオシロ
宮城:ミヤギ 島袋:シマブクロ 吉沢:ヨシザワ 富永:トミナガ 国分:コクブン 広井:ヒロイ 徳田:トクダ 高松:タカマツ
柳沢:ヤナギサワ 長瀬:ナガセ 渡瀬:ワタセ 野沢:ノザワ 桜田:サクラダ 浜口:ハマグチ 関谷:セキヤ 高瀬:タカセ
`

// Given names grouped by reading: the kanji spellings of one reading are the
// candidates an input method offers, so a wrong pick (裕子 for 優子) is a
// realistic entry error. Each line: reading, spellings, sex (m/f), era of
// birth years in which the name is typical (o = up to 1965, m = 1955–1990,
// y = from 1985, a = any).
const jaGivenList = `
ヒロシ 博,浩,弘,宏,寛,洋 m o
タカシ 隆,崇,孝,貴志,高志 m m
キヨシ 清,潔 m o
マコト 誠,真,信 m m
アキラ 明,晃,彰,亮,昭 m o
サトシ 聡,智,悟,敏 m m
ツヨシ 剛,毅,強 m m
タケシ 武,剛,健,猛,毅 m o
オサム 修,治,収 m o
マサル 勝,優,賢 m o
ススム 進,晋 m o
ミノル 実,稔 m o
イサム 勇 m o
シゲル 茂,繁 m o
ヒデオ 英雄,秀夫,英夫 m o
カズオ 和夫,一夫,一男 m o
ヨシオ 義雄,良夫,芳雄 m o
テツヤ 哲也,徹也 m m
カズヤ 和也,一也 m m
タツヤ 達也,竜也,達哉 m m
ナオキ 直樹,尚樹 m m
ヒロユキ 博之,浩之,裕之,弘之 m m
マサヒロ 正博,雅弘,昌宏,正浩 m m
ヨシヒロ 義弘,良宏,善博 m m
タカユキ 隆之,孝之,貴之 m m
トシユキ 敏行,俊之,利幸 m m
ヒデキ 英樹,秀樹 m m
ケンジ 健二,賢治,健司,憲二 m a
コウジ 浩二,幸治,康二,孝司 m m
シンジ 真司,伸二,慎二,信二 m m
ユウジ 裕二,雄二,祐司 m m
ケンイチ 健一,賢一,憲一 m a
シンイチ 真一,伸一,信一 m m
ジュンイチ 純一,潤一,淳一 m m
ダイスケ 大輔,大介 m m
ケイスケ 圭介,啓介,敬介 m m
ユウスケ 祐介,雄介,裕介,優介 m y
リョウスケ 亮介,涼介,良介 m y
ショウタ 翔太,将太,祥太 m y
ユウタ 悠太,雄太,優太,裕太 m y
ケンタ 健太,賢太 m y
コウタ 康太,航太,浩太 m y
ソウタ 颯太,蒼太,奏太 m y
ハルト 陽翔,大翔,晴斗 m y
ユウト 悠斗,優斗,勇人 m y
レン 蓮,廉 m y
ミナト 湊 m y
ハヤト 隼人,颯人 m y
タクミ 拓海,匠,巧 m y
リク 陸 m y
カイト 海斗,快斗 m y
ダイキ 大樹,大貴,大輝 m y
ユウキ 勇気,祐樹,雄輝,優希 m y
ナオト 直人,尚人 m m
マサト 正人,雅人,将人 m m
カズキ 一樹,和樹 m y
リョウ 亮,涼,諒 m y
ジュン 純,潤,淳 m m
ショウ 翔,将 m y
ハジメ 一,肇,元 m o
ツトム 勉,努 m o
タダシ 正,忠 m o
ノボル 昇,登 m o
ヨシキ 芳樹,良樹 m m
イチロウ 一郎,一朗 m o
ジロウ 次郎,二郎 m o
サブロウ 三郎 m o
タロウ 太郎 m a
ケンタロウ 健太郎 m y
シンタロウ 慎太郎,信太郎 m m
ユウイチロウ 雄一郎,裕一郎 m m
トオル 徹,透,亨 m m
マモル 守,護 m o
ヒロト 大翔,博人,弘人 m y
アユム 歩 m y
ソウマ 蒼真,颯真 m y
ユイト 結翔,唯人 m y
イツキ 樹,一輝 m y
タイチ 太一,大地 m y
ショウヘイ 翔平,昌平,祥平 m y
コウヘイ 浩平,康平,耕平 m y
シュンスケ 俊介,駿介 m y
トモヤ 智也,友也 m y
ヨウスケ 洋介,陽介 m m
タカヒロ 隆弘,貴洋,孝宏 m m
ヨウコ 洋子,陽子,葉子 f o
ユウコ 裕子,優子,祐子,悠子,有子 f m
ケイコ 恵子,啓子,敬子,慶子 f o
ヒロコ 弘子,裕子,博子,浩子 f o
カズコ 和子,一子 f o
サチコ 幸子 f o
セツコ 節子 f o
ノリコ 典子,紀子,法子,憲子 f o
マサコ 正子,雅子,昌子 f o
ミチコ 道子,美智子,美千子 f o
キョウコ 京子,恭子,今日子 f m
トモコ 智子,友子,朋子 f m
ジュンコ 順子,純子,淳子 f o
アキコ 明子,昭子,晶子,秋子 f o
ナオコ 直子,尚子,菜穂子 f m
マユミ 真由美,真弓,麻由美 f m
ユミ 由美,裕美,有美,優美 f m
ナオミ 直美,尚美 f m
ユミコ 由美子,裕美子 f m
クミコ 久美子 f m
エミ 恵美,絵美,英美 f m
メグミ 恵,恵美,めぐみ f m
アユミ 亜由美,歩,あゆみ f m
マイ 舞,麻衣 f y
アイ 愛,藍 f y
ミホ 美穂,美保,美帆 f m
サオリ 沙織,早織,さおり f m
カオリ 香織,香,佳織 f m
ユカ 由香,優香,由佳 f m
アヤ 彩,綾,亜矢 f y
サヤカ 沙也加,清香,さやか f y
ミサキ 美咲,岬 f y
ナナミ 七海,菜々美 f y
アスカ 明日香,飛鳥 f y
ハルカ 遥,春香,遥香 f y
アヤカ 彩花,綾香,彩香 f y
マナミ 愛美,真奈美 f y
ユイ 結衣,唯,由衣 f y
ヒナ 陽菜,ひな f y
ヒマリ 陽葵 f y
メイ 芽依,芽衣 f y
サクラ さくら,桜,咲良 f y
リン 凛,鈴 f y
ユナ 結菜,優奈 f y
ミオ 美桜,澪,美緒 f y
アカリ あかり,明里,灯 f y
ツムギ 紬 f y
ミユ 美優,美結 f y
カホ 果歩,夏帆 f y
ワカナ 若菜 f y
チヒロ 千尋,千裕 f y
ミズキ 瑞希,美月 f y
ナツキ 夏希,菜月 f y
リエ 理恵,里恵,利恵 f m
チエ 千恵,智恵 f m
ヨシコ 良子,芳子,佳子,好子 f o
フミコ 文子,富美子 f o
ハナコ 花子 f a
トシコ 敏子,俊子,利子 f o
タカコ 孝子,貴子,隆子 f o
エツコ 悦子 f o
ヤスコ 康子,泰子,安子 f o
ヒサコ 久子 f o
キミコ 君子,公子 f o
ミツコ 光子,美津子 f o
ミドリ 緑,みどり f o
シズカ 静香,静 f m
マキ 真紀,麻紀,真希 f m
アキ 亜紀,亜希,明 f m
ユキ 由紀,有希,友紀,雪 f m
ユキコ 由紀子,雪子 f o
チカ 千佳,智香 f m
モモカ 桃花,百花 f y
アミ 亜美 f y
ノゾミ 希,望,のぞみ f m
カナ 佳奈,香奈,加奈 f y
マリ 真理,麻里,茉莉 f m
エリ 恵理,絵里,英里 f m
エリコ 恵理子,江里子 f m
リカ 里香,理香,梨花 f m
サナエ 早苗 f m
ミカ 美香,美佳 f m
ヒトミ 瞳,仁美 f m
`

type surname struct {
	kanji, kana string
	weight      float64
}

type givenName struct {
	kana      string
	spellings []string
	female    bool
	era       byte // 'o', 'm', 'y', 'a'
}

// jaSurnames and jaGiven are parsed once from the lists above and never
// modified afterwards.
var (
	jaSurnames      = parseSurnames(jaSurnameList)
	jaSurnameCum    = cumulative(jaSurnames)
	jaGiven         = parseGiven(jaGivenList)
	jaGivenByEraSex = indexGiven(jaGiven)
)

func parseSurnames(s string) []surname {
	var out []surname
	for i, f := range strings.Fields(s) {
		k, kana, _ := strings.Cut(f, ":")
		// A rank-based, heavy-tailed weight close to published surname counts.
		out = append(out, surname{k, kana, 1 / float64(i+1+10)})
	}
	return out
}

func cumulative(s []surname) []float64 {
	c := make([]float64, len(s))
	t := 0.0
	for i, x := range s {
		t += x.weight
		c[i] = t
	}
	return c
}

func parseGiven(s string) []givenName {
	var out []givenName
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(line)
		out = append(out, givenName{kana: f[0], spellings: strings.Split(f[1], ","), female: f[2] == "f", era: f[3][0]})
	}
	return out
}

// indexGiven lists, for each birth-year era (0 old, 1 mid, 2 young) and sex
// (0 male, 1 female), the given names typical for it.
func indexGiven(g []givenName) [3][2][]int {
	var idx [3][2][]int
	for i, n := range g {
		sex := 0
		if n.female {
			sex = 1
		}
		for era, e := range []byte{'o', 'm', 'y'} {
			if n.era == e || n.era == 'a' {
				idx[era][sex] = append(idx[era][sex], i)
			}
		}
	}
	return idx
}

// kanjiVariants returns the variant forms of a common character seen in
// registered names and legacy systems (異体字), or nil. Some variants lie
// outside the BMP (𠮷) or carry an ideographic variation selector
// (辻 + U+E0100). The returned slice must not be modified.
func kanjiVariants(r rune) []string {
	for i := range variantTable {
		if variantTable[i].base == r {
			return variantTable[i].forms
		}
	}
	return nil
}

// variantTable is read-only.
var variantTable = [...]struct {
	base  rune
	forms []string
}{
	{'高', []string{"髙"}},
	{'崎', []string{"﨑"}},
	{'辺', []string{"邊", "邉"}},
	{'斎', []string{"齋", "齊"}},
	{'沢', []string{"澤"}},
	{'浜', []string{"濱"}},
	{'広', []string{"廣"}},
	{'桜', []string{"櫻"}},
	{'島', []string{"嶋"}},
	{'国', []string{"國"}},
	{'徳', []string{"德"}},
	{'恵', []string{"惠"}},
	{'瀬', []string{"瀨"}},
	{'富', []string{"冨"}},
	{'吉', []string{"𠮷"}},
	{'辻', []string{"辻\U000E0100"}},
	{'関', []string{"關"}},
}
