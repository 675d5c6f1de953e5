"""The templates' column headers (a header cell is matched to them by core.tabular.table.header_name)."""

# Officials file
EMPLOYEE_ID = "工号"
FULL_NAME = "姓名"
UNIT_PATH = "单位"
UNIT_CODE = "单位代码"
POSITION = "职务"
RANK = "职级"
PHONE = "手机"
EMAIL = "邮箱"
OFFICIAL_HEADERS = (EMPLOYEE_ID, FULL_NAME, UNIT_PATH, UNIT_CODE, POSITION, RANK, PHONE, EMAIL)
# Each group needs at least one of its columns in the header.
OFFICIAL_REQUIRED = ((EMPLOYEE_ID,), (FULL_NAME,), (UNIT_PATH, UNIT_CODE))

# Units file
CODE = "单位代码"
NAME = "单位名称"
PARENT_PATH = "上级单位"
PARENT_CODE = "上级单位代码"
UNIT_HEADERS = (CODE, NAME, PARENT_PATH, PARENT_CODE)
UNIT_REQUIRED = ((CODE,), (NAME,))

# A unit path's levels: 省直属机关/省委网信办/网络舆情处, with an ASCII or a full-width slash.
PATH_SEPARATORS = ("/", "／")
PATH_SEPARATOR = "/"
