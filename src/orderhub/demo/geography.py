"""Demo geography: real Chinese regions, street addresses, warehouses and foreign cities."""

from __future__ import annotations

import random
from dataclasses import dataclass

from orderhub.demo.model import DemoWarehouse

# (province, city, district, postcode). Municipalities repeat the province as the city.
CN_REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("北京市", "北京市", "朝阳区", "100020"), ("北京市", "北京市", "海淀区", "100080"),
    ("北京市", "北京市", "丰台区", "100071"), ("北京市", "北京市", "通州区", "101100"),
    ("上海市", "上海市", "浦东新区", "200120"), ("上海市", "上海市", "徐汇区", "200030"),
    ("上海市", "上海市", "闵行区", "201100"), ("上海市", "上海市", "静安区", "200040"),
    ("上海市", "上海市", "宝山区", "201900"), ("天津市", "天津市", "南开区", "300100"),
    ("天津市", "天津市", "滨海新区", "300450"), ("重庆市", "重庆市", "渝北区", "401120"),
    ("重庆市", "重庆市", "江北区", "400020"), ("重庆市", "重庆市", "沙坪坝区", "400030"),
    ("广东省", "广州市", "天河区", "510630"), ("广东省", "广州市", "海珠区", "510220"),
    ("广东省", "广州市", "番禺区", "511400"), ("广东省", "深圳市", "南山区", "518052"),
    ("广东省", "深圳市", "福田区", "518033"), ("广东省", "深圳市", "宝安区", "518101"),
    ("广东省", "佛山市", "南海区", "528200"), ("广东省", "佛山市", "顺德区", "528300"),
    ("浙江省", "杭州市", "西湖区", "310012"), ("浙江省", "杭州市", "余杭区", "311100"),
    ("浙江省", "杭州市", "滨江区", "310051"), ("浙江省", "宁波市", "鄞州区", "315100"),
    ("浙江省", "温州市", "鹿城区", "325000"), ("浙江省", "金华市", "义乌市", "322000"),
    ("江苏省", "南京市", "鼓楼区", "210009"), ("江苏省", "南京市", "江宁区", "211100"),
    ("江苏省", "苏州市", "姑苏区", "215008"), ("江苏省", "苏州市", "吴中区", "215100"),
    ("江苏省", "苏州市", "昆山市", "215300"), ("江苏省", "无锡市", "梁溪区", "214000"),
    ("江苏省", "无锡市", "江阴市", "214400"), ("山东省", "济南市", "历下区", "250011"),
    ("山东省", "青岛市", "市南区", "266001"), ("山东省", "青岛市", "黄岛区", "266500"),
    ("山东省", "烟台市", "芝罘区", "264000"), ("河南省", "郑州市", "金水区", "450000"),
    ("河南省", "洛阳市", "洛龙区", "471000"), ("湖北省", "武汉市", "洪山区", "430070"),
    ("湖北省", "武汉市", "江汉区", "430015"), ("湖北省", "宜昌市", "西陵区", "443000"),
    ("湖南省", "长沙市", "岳麓区", "410006"), ("湖南省", "长沙市", "芙蓉区", "410011"),
    ("湖南省", "长沙市", "浏阳市", "410300"), ("四川省", "成都市", "武侯区", "610041"),
    ("四川省", "成都市", "锦江区", "610021"), ("四川省", "成都市", "双流区", "610200"),
    ("四川省", "绵阳市", "涪城区", "621000"), ("福建省", "福州市", "鼓楼区", "350001"),
    ("福建省", "厦门市", "思明区", "361001"), ("福建省", "泉州市", "晋江市", "362200"),
    ("安徽省", "合肥市", "蜀山区", "230031"), ("安徽省", "芜湖市", "镜湖区", "241000"),
    ("江西省", "南昌市", "东湖区", "330006"), ("河北省", "石家庄市", "长安区", "050011"),
    ("河北省", "保定市", "竞秀区", "071000"), ("山西省", "太原市", "小店区", "030032"),
    ("陕西省", "西安市", "雁塔区", "710061"), ("陕西省", "西安市", "未央区", "710016"),
    ("辽宁省", "沈阳市", "和平区", "110001"), ("辽宁省", "大连市", "沙河口区", "116021"),
    ("吉林省", "长春市", "朝阳区", "130012"), ("黑龙江省", "哈尔滨市", "南岗区", "150001"),
    ("云南省", "昆明市", "五华区", "650021"), ("云南省", "大理白族自治州", "大理市", "671000"),
    ("贵州省", "贵阳市", "观山湖区", "550081"), ("广西壮族自治区", "南宁市", "青秀区", "530022"),
    ("广西壮族自治区", "桂林市", "秀峰区", "541001"),
    ("内蒙古自治区", "呼和浩特市", "赛罕区", "010020"),
    ("内蒙古自治区", "包头市", "昆都仑区", "014010"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "830002"),
    ("宁夏回族自治区", "银川市", "兴庆区", "750001"), ("西藏自治区", "拉萨市", "城关区", "850000"),
    ("海南省", "海口市", "美兰区", "570203"), ("海南省", "三亚市", "吉阳区", "572000"),
    ("甘肃省", "兰州市", "城关区", "730030"), ("青海省", "西宁市", "城中区", "810000"),
)

# Relative online-shopping weight of a district, by province (coastal provinces buy more).
_PROVINCE_WEIGHT: dict[str, float] = {
    "广东省": 3.0, "浙江省": 3.0, "江苏省": 2.6, "上海市": 2.6, "北京市": 2.4, "山东省": 1.8,
    "四川省": 1.6, "福建省": 1.6, "湖北省": 1.4, "河南省": 1.4, "湖南省": 1.3, "天津市": 1.2,
    "重庆市": 1.2, "安徽省": 1.2, "陕西省": 1.1, "河北省": 1.0, "辽宁省": 1.0,
}
REMOTE_PROVINCES = frozenset({
    "新疆维吾尔自治区", "西藏自治区", "青海省", "宁夏回族自治区", "内蒙古自治区", "甘肃省",
})
CN_REGION_WEIGHTS: tuple[float, ...] = tuple(
    _PROVINCE_WEIGHT.get(region[0], 0.6) for region in CN_REGIONS
)

_ROADS = (
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "文化路", "长江路", "黄河路",
    "滨江大道", "学府路", "科技路", "东风路", "青年路", "胜利路", "迎宾大道", "光明路",
    "体育路", "健康路", "幸福大街", "金桥路", "凤凰路", "锦绣路", "工业大道", "振兴路",
)
_DISTRICT_ROADS: dict[str, tuple[str, ...]] = {
    "朝阳区": ("建国路", "朝阳北路", "望京西路", "东三环中路"), "海淀区": ("中关村大街", "学院路"),
    "浦东新区": ("张杨路", "世纪大道", "东方路"), "徐汇区": ("漕溪北路", "肇嘉浜路", "虹桥路"),
    "静安区": ("南京西路", "延安中路"), "天河区": ("天河路", "黄埔大道西", "体育西路"),
    "南山区": ("深南大道", "科苑路", "南海大道"), "福田区": ("深南中路", "福华路"),
    "西湖区": ("文三路", "文一西路", "莫干山路"), "滨江区": ("江南大道", "滨盛路"),
    "武侯区": ("人民南路", "一环路南四段"), "锦江区": ("春熙路", "东大街"),
    "鼓楼区": ("中山北路", "湖滨路"), "洪山区": ("珞喻路", "雄楚大道"),
}
_ESTATES = (
    "阳光花园", "锦绣华庭", "翠湖天地", "金色家园", "幸福里", "和谐家园", "滨江花园", "紫荆苑",
    "书香门第", "怡景湾", "御景湾", "香榭里", "新城国际", "碧水云天", "丽景湾", "桂花园",
    "望江苑", "东方名城", "绿地世纪城", "明珠小区", "银杏苑", "嘉园", "春晓苑", "枫林湾",
)
_TOWERS = ("国际大厦", "财富中心", "时代广场", "创新大厦", "金融中心", "科技园")


def pick_cn_region(rng: random.Random, cum_weights: list[float]) -> tuple[str, str, str, str]:
    return rng.choices(CN_REGIONS, cum_weights=cum_weights)[0]


def cn_street(rng: random.Random, province: str, district: str) -> str:
    """A plausible street address below the district, e.g. "文三路128号紫荆苑3栋2单元1202室"."""
    road = rng.choice(_DISTRICT_ROADS.get(district) or _ROADS)
    number = rng.randint(1, 999)
    roll = rng.random()
    if roll < 0.12:
        floor = rng.randint(3, 32)
        return f"{road}{number}号{rng.choice(_TOWERS)}{floor}层{floor}{rng.randint(1, 20):02d}室"
    if province == "上海市" and roll < 0.45:
        return f"{road}{number}弄{rng.randint(1, 40)}号{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    building, unit = rng.randint(1, 28), rng.randint(1, 4)
    room = f"{rng.randint(1, 33)}0{rng.randint(1, 4)}"
    return f"{road}{number}号{rng.choice(_ESTATES)}{building}栋{unit}单元{room}室"


WAREHOUSES: tuple[DemoWarehouse, ...] = (
    DemoWarehouse("WH-SH", "上海仓", "华东", "上海市", "上海市", "青浦区",
                  "华新镇华志路1688号悦享物流园A库"),
    DemoWarehouse("WH-GZ", "广州仓", "华南", "广东省", "广州市", "白云区",
                  "太和镇广从五路368号悦享物流园3栋"),
    DemoWarehouse("WH-BJ", "北京仓", "华北", "北京市", "北京市", "大兴区",
                  "兴业大街三段118号悦享物流中心2号库"),
    DemoWarehouse("WH-CD", "成都仓", "西南", "四川省", "成都市", "双流区",
                  "西航港街道物联大道88号悦享西南仓"),
)

# The Shanghai store that sells through POS, as (province, city, district, street, postcode).
STORE_ADDRESS = ("上海市", "上海市", "黄浦区", "南京东路353号悦享生活旗舰店1层", "200001")


@dataclass(frozen=True, slots=True)
class IntlCity:
    """A foreign city: in patterns `#` is a digit, `%` a digit 1-9, `@` a postcode letter."""

    country: str  # ISO 3166-1 alpha-2
    region: str  # state / province code or name as shops show it
    city: str
    postcode: str
    phone: str
    utc_offset: int  # hours, in November
    weight: float = 1.0


INTL_CITIES: tuple[IntlCity, ...] = (
    IntlCity("US", "CA", "Los Angeles", "900%#", "+121355501##", -8, 1.5),
    IntlCity("US", "CA", "San Francisco", "941##", "+141555501##", -8, 1.0),
    IntlCity("US", "NY", "New York", "100##", "+121255501##", -5, 1.6),
    IntlCity("US", "WA", "Seattle", "981##", "+120655501##", -8, 0.7),
    IntlCity("US", "TX", "Austin", "787##", "+151255501##", -6, 0.6),
    IntlCity("US", "IL", "Chicago", "606%#", "+131255501##", -6, 0.8),
    IntlCity("US", "MA", "Boston", "021%#", "+161755501##", -5, 0.6),
    IntlCity("CA", "ON", "Toronto", "M5V #@#", "+141655501##", -5, 1.2),
    IntlCity("CA", "BC", "Vancouver", "V6B #@#", "+160455501##", -8, 1.0),
    IntlCity("CA", "QC", "Montréal", "H2X #@#", "+151455501##", -5, 0.5),
    IntlCity("GB", "England", "London", "SW1A #@@", "+447700900###", 0, 1.6),
    IntlCity("GB", "England", "Manchester", "M1 #@@", "+447700900###", 0, 0.6),
    IntlCity("GB", "Scotland", "Edinburgh", "EH3 #@@", "+447700900###", 0, 0.4),
    IntlCity("DE", "BE", "Berlin", "10%##", "+49151########", 1, 1.4),
    IntlCity("DE", "BY", "München", "81###", "+49160########", 1, 1.0),
    IntlCity("DE", "HH", "Hamburg", "22%##", "+49170########", 1, 0.8),
    IntlCity("DE", "NW", "Köln", "507##", "+49152########", 1, 0.6),
    IntlCity("FR", "Île-de-France", "Paris", "7500%", "+336########", 1, 1.8),
    IntlCity("FR", "Auvergne-Rhône-Alpes", "Lyon", "6900%", "+336########", 1, 0.7),
    IntlCity("FR", "Provence-Alpes-Côte d'Azur", "Marseille", "1300%", "+337########", 1, 0.5),
    IntlCity("JP", "Tokyo", "Shibuya-ku", "150-00%#", "+8190########", 9, 1.4),
    IntlCity("JP", "Osaka", "Osaka-shi Kita-ku", "530-00%#", "+8180########", 9, 0.8),
    IntlCity("JP", "Kanagawa", "Yokohama-shi Nishi-ku", "220-00%#", "+8170########", 9, 0.5),
    IntlCity("AU", "NSW", "Sydney", "20##", "+614########", 11, 1.4),
    IntlCity("AU", "VIC", "Melbourne", "30##", "+614########", 11, 1.2),
    IntlCity("AU", "QLD", "Brisbane", "40##", "+614########", 10, 0.6),
)

_POSTCODE_LETTERS = "ABEHJLNPRSTXY"  # valid in both UK inward codes and Canadian postcodes

_INTL_STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Maple Ave", "Oak Street", "Pine Street", "Sunset Blvd", "Washington Ave",
           "Lake Shore Dr", "Park Avenue", "Elm Street", "Cedar Lane", "Broadway"),
    "CA": ("King St W", "Queen St E", "Robson Street", "Granville Street", "Yonge Street",
           "Rue Sainte-Catherine"),
    "GB": ("High Street", "Station Road", "Church Lane", "Victoria Road", "Baker Street",
           "King's Road", "Princes Street", "Oxford Road"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Goethestraße",
           "Friedrichstraße", "Lindenstraße", "Bergstraße"),
    "FR": ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Voltaire",
           "rue de Rivoli", "avenue de la Liberté", "rue Pasteur"),
    "JP": ("Jingumae", "Ebisu", "Dogenzaka", "Umeda", "Tenjinbashi", "Minatomirai", "Takashima"),
    "AU": ("George Street", "Collins Street", "Queen Street", "Elizabeth Street", "Pitt Street",
           "Bourke Street"),
}


def fill_pattern(rng: random.Random, pattern: str) -> str:
    """Replace `#` with a digit, `%` with a digit 1-9 and `@` with a postcode letter."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "%":
            out.append(str(rng.randrange(1, 10)))
        elif ch == "@":
            out.append(rng.choice(_POSTCODE_LETTERS))
        else:
            out.append(ch)
    return "".join(out)


def intl_street(rng: random.Random, country: str) -> str:
    """A street line in the country's own format."""
    street = rng.choice(_INTL_STREETS[country])
    number = rng.randint(1, 250)
    if country == "DE":
        return f"{street} {number}"
    if country == "JP":
        return f"{rng.randint(1, 6)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} {street}"
    if country == "AU" and rng.random() < 0.4:
        return f"{rng.randint(1, 40)}/{number} {street}"
    if country in ("US", "CA") and rng.random() < 0.35:
        return f"{number * 10} {street}, Apt {rng.randint(1, 30)}{rng.choice('ABCD')}"
    return f"{number} {street}"
