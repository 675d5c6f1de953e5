"""Chinese names for synthetic people, units and courses, drawn from a seeded generator."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏宇飞玉兰萍红梅志斌波宁亮晨晓雪琳颖婷"
    "浩然欣怡子涵思远嘉俊海燕春秋云峰立新卫东振华德光永红学军成龙佳慧瑞丹荣凯旭阳"
)
BUREAUS = (
    "省发展改革委",
    "省教育厅",
    "省科技厅",
    "省工业和信息化厅",
    "省公安厅",
    "省民政厅",
    "省司法厅",
    "省财政厅",
    "省人力资源社会保障厅",
    "省自然资源厅",
    "省生态环境厅",
    "省住房城乡建设厅",
    "省交通运输厅",
    "省水利厅",
    "省农业农村厅",
    "省商务厅",
    "省文化和旅游厅",
    "省卫生健康委",
    "省退役军人事务厅",
    "省应急管理厅",
    "省审计厅",
    "省市场监管局",
    "省广电局",
    "省体育局",
    "省统计局",
    "省医保局",
    "省林业局",
    "省地方金融管理局",
    "省政务服务管理局",
    "省委网信办",
    "省委组织部",
    "省委宣传部",
    "省委统战部",
    "省委政法委",
    "省档案局",
    "省信访局",
    "省粮食和储备局",
    "省能源局",
    "省机关事务管理局",
    "省国资委",
)
DIVISIONS = ("办公室", "政策法规处", "人事处", "宣传教育处", "信息中心", "规划处", "综合处", "监督处")
NUMERALS = "一二三四五六七八九十"
POSITIONS = (
    ("科员", 45),
    ("副科长", 18),
    ("科长", 15),
    ("副处长", 10),
    ("处长", 7),
    ("副厅长", 3),
    ("厅长", 2),
)
RANKS = {
    "科员": "一级科员",
    "副科长": "四级主任科员",
    "科长": "二级主任科员",
    "副处长": "二级调研员",
    "处长": "一级调研员",
    "副厅长": "二级巡视员",
    "厅长": "一级巡视员",
}
TOPICS = (
    "政务微博运营",
    "政务微信公众号管理",
    "网络新闻发言人实务",
    "网络舆情研判",
    "网络谣言识别与辟谣",
    "电子政务建设",
    "数据安全法解读",
    "个人信息保护法实务",
    "网络安全等级保护",
    "短视频政务传播",
    "突发事件网络应对",
    "网络意识形态工作",
    "政务数据共享",
    "网上群众工作",
    "新媒体写作",
)
SENTENCES = (
    "政务新媒体是党政机关联系群众、回应关切的重要渠道，发布信息要权威、及时、准确。",
    "面对网络舆情，首先要核实事实，其次要统一口径，最后要持续跟进回应。",
    "发布前应当履行审核程序，做到先审后发，涉及个人信息的内容必须脱敏处理。",
    "辨别网络谣言可以从信息来源、发布时间、图片出处和逻辑一致性四个方面入手。",
    "数据分类分级是数据安全管理的基础，重要数据的处理活动应当明确责任人。",
    "回应网民留言要坦诚具体，不回避问题，能当场答复的当场答复，不能的说明办理时限。",
    "网络安全事件发生后，应当立即启动应急预案，采取处置措施并按规定报告。",
    "短视频传播要贴近群众、语言平实，用真实的人和事讲好政策故事。",
    "电子政务建设要坚持以人民为中心，让数据多跑路、群众少跑腿。",
    "工作人员使用个人社交账号时，不得泄露工作秘密，不得发表不当言论。",
)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def position(rng: random.Random) -> tuple[str, str]:
    (title,) = rng.choices([p for p, _w in POSITIONS], weights=[w for _p, w in POSITIONS])
    return title, RANKS[title]


def bureau_name(index: int) -> str:
    return BUREAUS[index % len(BUREAUS)] + (
        f"（{index // len(BUREAUS) + 1}）" if index >= len(BUREAUS) else ""
    )


def division_name(index: int) -> str:
    return DIVISIONS[index % len(DIVISIONS)] + (
        str(index // len(DIVISIONS) + 1) if index >= len(DIVISIONS) else ""
    )


def section_name(index: int) -> str:
    number = index + 1
    if number <= 10:
        return f"第{NUMERALS[number - 1]}科"
    tens, ones = divmod(number, 10)
    return f"第{'' if tens == 1 else NUMERALS[tens - 1]}十{NUMERALS[ones - 1] if ones else ''}科"


def course_title(index: int) -> str:
    return f"{TOPICS[index % len(TOPICS)]}（{index // len(TOPICS) + 1}）"


def paragraph(rng: random.Random, sentences: int = 3) -> str:
    return "".join(rng.sample(SENTENCES, sentences))
