package synth

// English (Australian, FEBRL-like) lists compiled for this package: common
// given names with their usual nicknames, common surnames, street names and
// real suburbs with their postcode and state.

// Each entry: name, then "/" and nicknames separated by "|".
const enMaleList = `william/bill|will|billy robert/bob|rob|bobby james/jim|jimmy|jamie john/jack|johnny michael/mike|mick
david/dave|davo richard/rick|rich|dick thomas/tom|tommy charles/charlie|chuck christopher/chris|kit daniel/dan|danny
matthew/matt anthony/tony mark donald/don steven/steve paul andrew/andy|drew joshua/josh kenneth/ken|kenny kevin/kev
brian george edward/ed|eddie|ted ronald/ron|ronnie timothy/tim jason jeffrey/jeff ryan jacob/jake gary nicholas/nick
eric jonathan/jon stephen/steve justin scott brandon benjamin/ben samuel/sam gregory/greg frank alexander/alex|xander
raymond/ray patrick/pat|paddy jack dennis jerry tyler aaron henry/harry|hank adam douglas/doug nathan/nate
peter/pete zachary/zach kyle walter/walt harold/harry jeremy ethan carl keith roger gerald/gerry christian terry
sean arthur/art noah lawrence/larry|laurie jesse joseph/joe bryan jordan albert/al|bert dylan bruce wayne ralph
roy eugene/gene vincent/vince russell/russ louis/lou philip/phil bradley/brad liam oliver/ollie lachlan/lachie
jackson cooper riley hamish angus callum mitchell/mitch blake jayden lucas harrison declan xavier connor
luke jake max toby isaac flynn tristan darcy nathaniel/nat jeremiah/jerry francis/frank|frankie leonard/len|lenny`

const enFemaleList = `mary/molly|polly patricia/pat|patty|trish jennifer/jen|jenny linda elizabeth/liz|beth|lizzie|betty barbara/barb
susan/sue|susie jessica/jess sarah karen nancy lisa margaret/maggie|peggy|meg sandra/sandy ashley dorothy/dot|dotty
kimberly/kim emily/em donna michelle/shelly carol amanda/mandy melissa/mel deborah/deb|debbie stephanie/steph
rebecca/becky|bec laura sharon cynthia/cindy kathleen/kathy|kate amy shirley angela/angie helen anna brenda
pamela/pam nicole/nicky|nikki samantha/sam katherine/kate|kathy|katie emma ruth christine/chris|chrissy
catherine/cathy|kate debra/deb rachel carolyn janet virginia/ginny maria heather diane julie joyce victoria/vicky|tori
kelly christina/tina joan evelyn/evie lauren judith/judy olivia/liv frances/fran martha cheryl megan/meg andrea
hannah jacqueline/jackie ann jean alice kathryn/kate gloria teresa/terri doris sara janice/jan julia/jules
madison/maddie grace amber denise marilyn danielle/dani beverly/bev isabella/bella|izzy theresa/tess diana
natalie/nat brittany charlotte/charlie|lottie marie kayla alexis lori chloe mia ruby sophie zoe jasmine georgia
tahlia matilda/tilly lily ella isla amelia/millie abigail/abby caitlin jade tayla courtney bianca`

const enSurnameList = `smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen thomas walker
harris lee ryan robinson kelly king davis wright evans roberts green hall wood jackson clarke patel khan lewis james
phillips mitchell turner campbell murphy scott moore cooper young edwards hughes hill morris ward baker collins
stewart morgan bell murray watson parker cook kennedy miller davies bailey shaw harrison carter wilkinson graham
allen mcdonald stevens reid hunt palmer clark wong chen tran le pham ross webb brooks price richardson johnston
ellis rogers gray marshall simpson wallace fraser hamilton fisher henderson chapman holmes mason knight russell
ferguson barnes dixon grant mills walsh gibson hudson cameron black lloyd matthews sullivan o'brien o'connor
mckenzie mclean macdonald burns byrne doyle quinn lynch gallagher fitzgerald barry nolan daly brennan dunn kaur
singh zhang wang li liu huang ho lam papadopoulos rossi russo bianchi costa ferrari romano marino greco silva
santos fernandes kowalski nowak schmidt muller fischer weber meyer wagner becker hoffmann koch richter klein wolf
neumann schwarz zimmermann braun hartmann lange werner krause lehmann vogel keller berger hayes pearce sutherland
spencer stone lane day fox hart hunter howard dawson bishop lawson burke payne cole porter rose ford wells west
dean parsons newton austin watts rowe pope cross steele barker page bates bennett kerr duncan craig murdoch stephens`

const enStreetList = `albert alexander beach bridge canning carrington church clarendon collins elizabeth forest george gladstone
glenferrie hampden high hill king lake lygon macquarie main marine mill nelson ocean oxford park pitt queen railway
regent river rose station stirling sydney victoria william wattle acacia banksia boronia jacaranda waratah kookaburra
wentworth hawthorn bathurst goulburn flinders swanston bourke spencer darling murray cooper campbell edward frederick
henry james john mary charles cambridge wellington waterloo heidelberg canterbury burwood chapel toorak bay harbour
monaro barton deakin menzies chifley curtin lyons hume sturt mitchell kent hunter lachlan bligh phillip`

var (
	enStreetTypes  = []string{"street", "road", "avenue", "place", "crescent", "drive", "court", "parade", "close", "circuit", "way", "lane", "terrace", "grove", "boulevard"}
	enStreetTypeW  = []float64{40, 20, 10, 6, 6, 6, 4, 3, 3, 2, 2, 2, 2, 1, 1}
	enAddress2     = []string{"unit", "flat", "apartment", "level", "suite"}
	enBuildings    = []string{"rosedale village", "kingsford smith house", "the grange", "parkview", "harbourside", "sunset lodge", "wattle grove", "st andrews court", "riverside gardens", "the pines", "lakeside", "ocean views"}
	enEmailDomains = []string{"gmail.com", "bigpond.com", "hotmail.com", "outlook.com", "yahoo.com.au", "optusnet.com.au", "icloud.com", "iinet.net.au"}
	enEmailDomainW = []float64{35, 15, 12, 10, 8, 8, 8, 4}
)

// Suburb, postcode and state (real places).
const enSuburbList = `sydney:2000:nsw parramatta:2150:nsw chatswood:2067:nsw bondi:2026:nsw manly:2095:nsw penrith:2750:nsw
liverpool:2170:nsw blacktown:2148:nsw hornsby:2077:nsw newcastle:2300:nsw wollongong:2500:nsw gosford:2250:nsw
bathurst:2795:nsw orange:2800:nsw dubbo:2830:nsw wagga_wagga:2650:nsw albury:2640:nsw tamworth:2340:nsw
armidale:2350:nsw lismore:2480:nsw coffs_harbour:2450:nsw port_macquarie:2444:nsw queanbeyan:2620:nsw
goulburn:2580:nsw maitland:2320:nsw cessnock:2325:nsw campbelltown:2560:nsw cronulla:2230:nsw randwick:2031:nsw
marrickville:2204:nsw strathfield:2135:nsw ryde:2112:nsw epping:2121:nsw castle_hill:2154:nsw bankstown:2200:nsw
hurstville:2220:nsw kogarah:2217:nsw mosman:2088:nsw dee_why:2099:nsw katoomba:2780:nsw
melbourne:3000:vic carlton:3053:vic fitzroy:3065:vic richmond:3121:vic st_kilda:3182:vic brunswick:3056:vic
footscray:3011:vic geelong:3220:vic ballarat:3350:vic bendigo:3550:vic shepparton:3630:vic mildura:3500:vic
warrnambool:3280:vic traralgon:3844:vic frankston:3199:vic dandenong:3175:vic box_hill:3128:vic ringwood:3134:vic
glen_waverley:3150:vic werribee:3030:vic sunbury:3429:vic hawthorn:3122:vic kew:3101:vic camberwell:3124:vic
brighton:3186:vic preston:3072:vic coburg:3058:vic essendon:3040:vic
brisbane:4000:qld south_brisbane:4101:qld fortitude_valley:4006:qld toowong:4066:qld indooroopilly:4068:qld
chermside:4032:qld ipswich:4305:qld southport:4215:qld surfers_paradise:4217:qld robina:4226:qld
caloundra:4551:qld maroochydore:4558:qld noosa_heads:4567:qld toowoomba:4350:qld bundaberg:4670:qld
rockhampton:4700:qld mackay:4740:qld townsville:4810:qld cairns:4870:qld gladstone:4680:qld hervey_bay:4655:qld
mount_isa:4825:qld redcliffe:4020:qld
perth:6000:wa fremantle:6160:wa subiaco:6008:wa joondalup:6027:wa rockingham:6168:wa mandurah:6210:wa
armadale:6112:wa midland:6056:wa bunbury:6230:wa geraldton:6530:wa kalgoorlie:6430:wa albany:6330:wa
broome:6725:wa scarborough:6019:wa cottesloe:6011:wa
adelaide:5000:sa north_adelaide:5006:sa glenelg:5045:sa norwood:5067:sa prospect:5082:sa salisbury:5108:sa
elizabeth:5112:sa mount_gambier:5290:sa whyalla:5600:sa port_augusta:5700:sa murray_bridge:5253:sa
victor_harbor:5211:sa unley:5061:sa
hobart:7000:tas sandy_bay:7005:tas glenorchy:7010:tas launceston:7250:tas devonport:7310:tas burnie:7320:tas
kingston:7050:tas
canberra:2601:act belconnen:2617:act woden:2606:act tuggeranong:2900:act gungahlin:2912:act braddon:2612:act
fyshwick:2609:act
darwin:0800:nt palmerston:0830:nt alice_springs:0870:nt katherine:0850:nt casuarina:0810:nt`
