"""Hand-kept tables for address normalisation: character variants, old division names.

Everything here is small, reviewed by hand and independent of the generated data file
(``data/cn_divisions.tsv.gz``), whose names the paths below must match.
"""

from __future__ import annotations

# Traditional (and a few variant) forms -> simplified, for the characters that occur in
# division names and common address words. Taken from OpenCC's TSCharacters.txt
# (Apache-2.0), keeping only pairs whose simplified side appears in a province, city or
# county name, and dropping traditional forms that are themselves used in current names
# (乾 as in 乾县, 於, 濛). Read pairwise: _TRAD[i] -> _SIMP[i].
_TRAD = (
    "萬業叢東兩個箇豐臨為爲麗義烏樂習鄉雲亞僕從侖崙倉儀們會偉倫餘彿脩兒剋兗黨蘭關興內"
    "岡冊軍農沖衝準涼淩鳳憑凱則剛別彆劍勸務勻區韆華單盧臥衛卽廠厤曆歷廂廈縣雙敘疊檯臺"
    "颱葉號閤衕後嚮曏呂啓啟吳週鹹響迴團糰園圍國圖聖場墰壇壜罈罎垻壩壘墾墊壯壺復複頭夾"
    "袷薑婁孫寧寶審宮傢寬賓尋壽將爾堯層嶼崗嵐島巖嶺嶽嶧峽峯嶗崍鉅鞏佈師幹榦廣莊慶廬庫"
    "應菴開張彌瀰強歸噹當彥綵徵誌懷恆紮託揚撫枴柺鬥旂無舊崑晉暉麯麴劄箚雜權來楊鬆極樅"
    "棗査棟樹棲慄欒橋樺樑夢稜樓橫畢匯彙滙漢湯瀋溝滄霑瀘澤涇窪湞溮濟瀏渾潯塗淶漣渦潤澗"
    "澱淥澠溫遊灣漵谿滿灤濱灘濰潛瀾燈靈爐點煙菸煩愛猶獨獅獻瑪環琿瓊瑤甕甌電疇鹽監蓋盤"
    "眞礦碭硯碩礄確鹼禮祿禪離積稱競簡類紅納組細織紹經結絳綏績維綿綠緑縉羅聶聯肅勝衚鬍"
    "膠脫臘騰輿節薌蕪蘆蒼囌蘇範荊榮滎廕蔭萊蓮獲穫蘿營蕭薩懞矇藍薊鎣藺蘄藴蘊觀覺讓訥許"
    "詔諸諾調誼謀謨謝謙譙譜穀貝貞貢賢貴費賀賈資賚賽讚贊贛趙車輪載輝邊遼達遷邁運進遠連"
    "遜遙鄧郵鄒鄴鄰鬱郟鄭鄆鄖鄲裏裡鈡鍾鐘鋼欽錢鐵鉛銅銀鋒錯錫錦鎭鎮鏡鑲長門間閔聞閩閣"
    "閬閻陽陰陸隴陳陘陝隨靜韓頂項順頗潁額風饒舘館馬駐驛驊魚魯鮁鮮鯉鳩雞鷄鳴鴨鶴鷹麥黃"
    "齊龍"
)
_SIMP = (
    "万业丛东两个个丰临为为丽义乌乐习乡云亚仆从仑仑仓仪们会伟伦余佛修儿克兖党兰关兴内"
    "冈册军农冲冲准凉凌凤凭凯则刚别别剑劝务匀区千华单卢卧卫即厂历历历厢厦县双叙叠台台"
    "台叶号合同后向向吕启启吴周咸响回团团园围国图圣场坛坛坛坛坛坝坝垒垦垫壮壶复复头夹"
    "夹姜娄孙宁宝审宫家宽宾寻寿将尔尧层屿岗岚岛岩岭岳峄峡峰崂崃巨巩布师干干广庄庆庐库"
    "应庵开张弥弥强归当当彦彩征志怀恒扎托扬抚拐拐斗旗无旧昆晋晖曲曲札札杂权来杨松极枞"
    "枣查栋树栖栗栾桥桦梁梦棱楼横毕汇汇汇汉汤沈沟沧沾泸泽泾洼浈浉济浏浑浔涂涞涟涡润涧"
    "淀渌渑温游湾溆溪满滦滨滩潍潜澜灯灵炉点烟烟烦爱犹独狮献玛环珲琼瑶瓮瓯电畴盐监盖盘"
    "真矿砀砚硕硚确碱礼禄禅离积称竞简类红纳组细织绍经结绛绥绩维绵绿绿缙罗聂联肃胜胡胡"
    "胶脱腊腾舆节芗芜芦苍苏苏范荆荣荥荫荫莱莲获获萝营萧萨蒙蒙蓝蓟蓥蔺蕲蕴蕴观觉让讷许"
    "诏诸诺调谊谋谟谢谦谯谱谷贝贞贡贤贵费贺贾资赉赛赞赞赣赵车轮载辉边辽达迁迈运进远连"
    "逊遥邓邮邹邺邻郁郏郑郓郧郸里里钟钟钟钢钦钱铁铅铜银锋错锡锦镇镇镜镶长门间闵闻闽阁"
    "阆阎阳阴陆陇陈陉陕随静韩顶项顺颇颍额风饶馆馆马驻驿骅鱼鲁鲅鲜鲤鸠鸡鸡鸣鸭鹤鹰麦黄"
    "齐龙"
)
TRAD_TO_SIMP: dict[str, str] = dict(zip(_TRAD, _SIMP, strict=True))

# Characters skipped between division names (after NFKC, so full-width forms are folded).
SEPARATORS = " \t\r\n,.;:|/\\-_~·•、，。；：（）()[]【】{}<>《》「」『』\"'“”‘’!?！？*#"

# Filler levels of the statistics code tables that platforms sometimes copy into addresses.
FILLERS = ("省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位", "市辖区")
# Placeholder values some platforms send in the city/district fields.
PLACEHOLDER_HINTS = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "直辖县级",
        "市直辖",
        "其他",
        "其它",
    }
)
COUNTRY_PREFIXES = ("中华人民共和国", "中国大陆", "中国")

# A short name (南山 for 南山区) followed by one of these is taken as part of a street or
# town name (南山路, 长安镇), not as a division.
STREET_CHARS = frozenset("路街道巷弄里村镇乡号桥站")
# Suffixes swallowed after a short name when the full name did not match (密云县 -> 密云区).
LOOSE_SUFFIXES = ("地区", "市", "县", "区", "旗", "盟")

# Ethnic group names stripped from 自治州/自治县/自治旗 names for their short forms
# (延边朝鲜族自治州 -> 延边, 克孜勒苏柯尔克孜自治州 -> 克孜勒苏).
_ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水"
    " 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒"
    " 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各族"
)
ETHNIC_GROUPS = tuple(_ETHNIC.split())

# Province short forms used on their own (weight as good as the full name).
PROVINCE_SHORT = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港",
    "澳门特别行政区": "澳门",
}

# Extra everyday names -> current division path (province/city[/county]).
ALIASES: tuple[tuple[str, str], ...] = (
    ("呼市", "内蒙古自治区/呼和浩特市"),
    ("前郭县", "吉林省/松原市/前郭尔罗斯蒙古族自治县"),
    ("前郭", "吉林省/松原市/前郭尔罗斯蒙古族自治县"),
    ("兰坪县", "云南省/怒江傈僳族自治州/兰坪白族普米族自治县"),
    ("元江县", "云南省/玉溪市/元江哈尼族彝族傣族自治县"),
    ("台湾", "台湾省"),
)

# Renamed, merged or abolished divisions: old name -> current division path(s), year,
# optional detail. Several targets mean the old area was split; the street decides.
RENAMES: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    ("塘沽区", ("天津市/滨海新区",), 2009, ""),
    ("汉沽区", ("天津市/滨海新区",), 2009, ""),
    ("大港区", ("天津市/滨海新区",), 2009, ""),
    ("蓟县", ("天津市/蓟州区",), 2016, ""),
    ("闸北区", ("上海市/静安区",), 2015, ""),
    ("卢湾区", ("上海市/黄浦区",), 2011, ""),
    ("南汇区", ("上海市/浦东新区",), 2009, ""),
    ("崇文区", ("北京市/东城区",), 2010, ""),
    ("宣武区", ("北京市/西城区",), 2010, ""),
    ("江北区", ("重庆市/两江新区",), 2025, ""),
    ("渝北区", ("重庆市/两江新区",), 2025, "some towns went to 北碚区"),
    ("万盛区", ("重庆市/綦江区",), 2011, ""),
    ("双桥区", ("重庆市/大足区",), 2011, ""),
    ("莱芜市", ("山东省/济南市",), 2019, "now 莱芜区/钢城区"),
    ("莱城区", ("山东省/济南市/莱芜区",), 2019, ""),
    ("胶南市", ("山东省/青岛市/黄岛区",), 2012, ""),
    ("四方区", ("山东省/青岛市/市北区",), 2012, ""),
    ("襄樊市", ("湖北省/襄阳市",), 2010, ""),
    ("襄阳区", ("湖北省/襄阳市/襄州区",), 2010, ""),
    ("居巢区", ("安徽省/合肥市/巢湖市",), 2011, ""),
    ("江干区", ("浙江省/杭州市/上城区", "浙江省/杭州市/钱塘区"), 2021, ""),
    ("下城区", ("浙江省/杭州市/拱墅区",), 2021, ""),
    ("白下区", ("江苏省/南京市/秦淮区",), 2013, ""),
    ("下关区", ("江苏省/南京市/鼓楼区",), 2013, ""),
    ("大厂区", ("江苏省/南京市/六合区",), 2002, ""),
    ("沧浪区", ("江苏省/苏州市/姑苏区",), 2012, ""),
    ("平江区", ("江苏省/苏州市/姑苏区",), 2012, ""),
    ("金阊区", ("江苏省/苏州市/姑苏区",), 2012, ""),
    ("淮阴市", ("江苏省/淮安市",), 2001, ""),
    ("楚州区", ("江苏省/淮安市/淮安区",), 2012, ""),
    ("清河区", ("江苏省/淮安市/清江浦区",), 2016, ""),
    ("清浦区", ("江苏省/淮安市/清江浦区",), 2016, ""),
    ("萝岗区", ("广东省/广州市/黄埔区",), 2014, ""),
    ("东山区", ("广东省/广州市/越秀区", "新疆维吾尔自治区/乌鲁木齐市/米东区"), 2005, ""),
    ("芳村区", ("广东省/广州市/荔湾区",), 2005, ""),
    ("梅列区", ("福建省/三明市/三元区",), 2021, ""),
    ("思茅市", ("云南省/普洱市",), 2007, ""),
    ("动力区", ("黑龙江省/哈尔滨市/香坊区",), 2006, ""),
    ("户县", ("陕西省/西安市/鄠邑区",), 2016, ""),
    ("郫县", ("四川省/成都市/郫都区",), 2016, ""),
)

# Divisions that moved to another parent, or took in part of another division: path ->
# (names of the former parents / source divisions, year, note). A mention of a former
# parent next to the division counts as agreeing with it (资阳市简阳市 -> 成都市简阳市).
MOVED: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    ("四川省/成都市/简阳市", ("资阳市",), 2016, "moved: 简阳市 from 资阳市 to 成都市 (2016)"),
    (
        "安徽省/合肥市/巢湖市",
        (),
        2011,
        "moved: prefecture-level 巢湖市 abolished; 巢湖市 is a county-level city of 合肥市 (2011)",
    ),
    ("安徽省/合肥市/庐江县", ("巢湖市",), 2011, "moved: 庐江县 from 巢湖市 to 合肥市 (2011)"),
    ("安徽省/芜湖市/无为市", ("巢湖市",), 2011, "moved: 无为 from 巢湖市 to 芜湖市 (2011)"),
    ("安徽省/马鞍山市/含山县", ("巢湖市",), 2011, "moved: 含山县 from 巢湖市 to 马鞍山市 (2011)"),
    ("安徽省/马鞍山市/和县", ("巢湖市",), 2011, "moved: 和县 from 巢湖市 to 马鞍山市 (2011)"),
    ("浙江省/杭州市/临平区", ("余杭区",), 2021, "split: 临平区 from 余杭区 (2021)"),
    ("浙江省/杭州市/钱塘区", ("江干区", "萧山区"), 2021, "split: 钱塘区 from 江干区/萧山区 (2021)"),
    ("重庆市/北碚区", ("渝北区", "江北区"), 2025, "moved: part of 渝北区 to 北碚区 (2025)"),
)
