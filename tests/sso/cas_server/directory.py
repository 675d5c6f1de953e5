"""The test CAS server's directory: login names, one password, the attributes it releases.

The login name (the CAS principal) is not the employee ID: like a provincial identity system,
the server carries the 工号 in an attribute (employeeNumber), which the site's attribute mapping
reads. GZ1001 signs in under its employee ID as well, for the default mapping (the principal).
"""

PASSWORD = "Cas-test-1"

DIRECTORY = {
    "zhangxm": {"employeeNumber": "GZ1001", "cn": "张晓明(统一身份)", "mail": "zxm@cas.example.cn"},
    "GZ1001": {"employeeNumber": "GZ1001", "cn": "张晓明"},
    "liwj": {"employeeNumber": "PX2001", "cn": "李文静"},
    "newcomer": {"employeeNumber": "NEW0001", "cn": "赵新", "mail": "zx@cas.example.cn", "ou": "A"},
    "disabled": {"employeeNumber": "TY9001", "cn": "停用者"},
}
