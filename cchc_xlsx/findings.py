"""Findings: every problem in the data as a record with a stable code, a place and a message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pandas as pd

from . import messages

__all__ = ["Finding", "CODES", "SEVERITIES", "findings_frame", "count_by_severity", "ToolError", "answerable",
           "findings_by_agency", "owner_label", "PLAN_AUTHOR"]

SEVERITIES = ("error", "warning", "info")

#: code -> (severity, Vietnamese message, English message). Messages are ``str.format`` templates
#: over the finding's fields and its ``params``; they say what is wrong and what to do.
CODES: dict[str, tuple[str, str, str]] = {
    # files and returns
    "file-unreadable": ("error",
        "Không đọc được tệp: {reason}. Hãy mở tệp bằng Excel, lưu lại dạng .xlsx và gửi lại.",
        "The file cannot be read: {reason}. Open it in Excel, save it as .xlsx and send it again."),
    "file-skipped": ("info",
        "Bỏ qua tệp: {reason}.",
        "File skipped: {reason}."),
    "wrong-template": ("error",
        "Không tìm thấy bảng kế hoạch (Phụ lục 1) hay bảng theo dõi (Phụ lục 2) trong tệp: {reason}. Hãy dùng biểu mẫu đã được gửi.",
        "No plan table (Phụ lục 1) or monitoring table (Phụ lục 2) found: {reason}. Use the template that was sent."),
    "template-version": ("warning",
        "Tệp dùng biểu mẫu phiên bản {found}, phiên bản hiện hành là {expected}. Hãy kiểm tra lại với biểu mẫu mới.",
        "The file uses template version {found}; the current one is {expected}. Check it against the new template."),
    "duplicate-return": ("warning",
        "Đơn vị đã gửi nhiều tệp; dùng tệp lưu sau cùng ({expected}), bỏ qua tệp này ({found} dòng không được tính).",
        "The agency sent several files; the one saved last ({expected}) is used and this one ({found} rows) is ignored."),
    "late-return": ("warning",
        "Báo cáo gửi muộn: tệp lưu lúc {found}, hạn nộp {expected}.",
        "Late return: the file was saved {found}; the deadline was {expected}."),
    "missing-return": ("error",
        "Chưa nhận được báo cáo của {agency}.",
        "No return received from {agency}."),
    "file-misnamed": ("info",
        "Tệp mang đuôi {found} nhưng thực chất là tệp {expected}; đã đọc theo nội dung thật. Lần sau hãy lưu đúng dạng .xlsx.",
        "The file is named {found} but is really a {expected} file; it was read as what it is. Next time save it as .xlsx."),
    "far-cell": ("error",
        "Ô {cell} nằm rất xa bảng (vùng dữ liệu chỉ đến {expected}) và có nội dung «{found}»{more}; ô này không thuộc bảng nên không được đọc. Hãy xóa nội dung ô đó rồi lưu lại.",
        "Cell {cell} lies far outside the table (the data ends at {expected}) and holds «{found}»{more}; it is not part of the table and is not read. Clear that cell and save again."),
    "formula-error": ("error",
        "Ô {cell} của dòng {row_code} có lỗi công thức {found}, nên không đọc được giá trị. Hãy sửa công thức hoặc ghi giá trị vào ô rồi gửi lại.",
        "Cell {cell} of row {row_code} holds the formula error {found}, so its value cannot be read. Fix the formula or type the value, and send the file again."),
    "row-hidden": ("info",
        "Các dòng {found} đang bị ẩn (ẩn tay hoặc do bộ lọc); vẫn được đọc như mọi dòng khác.",
        "Rows {found} are hidden (by hand or by a filter); they are read like every other row."),
    "cell-outside-columns": ("warning",
        "Ô {cell} ({table}) nằm trong các dòng của bảng nhưng ở cột không có tiêu đề, có nội dung «{found}»{more}; "
        "nội dung này không được đọc. Nếu cần báo cáo, hãy ghi vào đúng cột của biểu mẫu.",
        "Cell {cell} ({table}) lies in the table's rows but in a column without a heading and holds «{found}»{more}; "
        "it is not read. If it is meant to be reported, write it in the template's own column."),
    "table-missing": ("error",
        "Trang «{sheet}» không có dòng tiêu đề của bảng {table} («STT», «Nội dung công việc» …) nên các dòng của trang không được đọc. Hãy khôi phục dòng tiêu đề như trong biểu mẫu rồi gửi lại.",
        "Sheet «{sheet}» has no header row of the {table} table («STT», «Nội dung công việc» …), so its rows are not read. Restore the header row as in the template and send the file again."),
    "sheet-hidden": ("info",
        "Trang tính «{sheet}» bị ẩn nhưng chứa bảng {table}; vẫn được đọc.",
        "Sheet «{sheet}» is hidden but holds the {table} table; it is read."),
    "unexpected-agency": ("warning",
        "Không xác định được tệp của đơn vị nào trong kế hoạch (đơn vị: {found}); các dòng của tệp không được tính.",
        "The file cannot be matched to an agency of the plan (agency: {found}); its rows are not used."),
    # structure
    "missing-column": ("error",
        "Thiếu cột «{expected}» trong bảng {table}.{reason}",
        "Column «{expected}» is missing from the {table} table.{reason}"),
    "unknown-column": ("info",
        "Cột «{found}» không thuộc biểu mẫu nên không được đọc.",
        "Column «{found}» is not part of the template and is not read."),
    "missing-row": ("error",
        "Thiếu dòng {row_code} của kế hoạch; giữ nguyên số liệu trong kế hoạch.",
        "Row {row_code} of the plan is missing; the plan's figures are kept."),
    "plan-budget-list": ("info",
        "Bảng {table} là danh sách kinh phí (không có cột thời gian, chỉ số hay tài liệu kiểm chứng): chỉ các cột có trong bảng được đọc và kiểm tra.",
        "The {table} table is a budget list (no time, indicator or evidence column): only the columns it has are read and checked."),
    "monitoring-missing": ("warning",
        "Không có Phụ lục 2 (bảng phân công theo dõi, đánh giá): tần suất và người thu thập số liệu không được kiểm tra. Nếu kế hoạch có bảng này, hãy đưa vào cùng tệp.",
        "There is no Phụ lục 2 (monitoring table): frequencies and collectors are not checked. If the plan has one, put it in the same file."),
    "unknown-row": ("warning",
        "Dòng không dùng được: «{found}». Dòng này không được tính.{reason}",
        "Row not used: «{found}». It is not counted.{reason}"),
    "proposed-row": ("info",
        "Đơn vị đề xuất hoạt động mới dưới kết quả đầu ra {expected}, ghi nhận là {row_code}: «{found}».",
        "A new activity proposed under output {expected}, recorded as {row_code}: «{found}»."),
    "duplicate-row": ("error",
        "Dòng {row_code} xuất hiện nhiều lần (lần đầu ở {expected}). Chỉ lần đầu được tính.",
        "Row {row_code} appears more than once (first at {expected}). Only the first is counted."),
    "locked-cell-changed": ("error",
        "Nội dung đã khóa của dòng {row_code} bị sửa: «{found}» (kế hoạch: «{expected}»).",
        "Locked content of row {row_code} was changed: «{found}» (plan: «{expected}»)."),
    "agency-conflict": ("error",
        "Siêu dữ liệu của tệp ghi đơn vị {expected}, nhưng các hoạt động trong tệp thuộc {found}. {reason}",
        "The file's metadata names {expected}, but its activities belong to {found}. {reason}"),
    "proposed-row-monitoring": ("info",
        "Dòng đề xuất mới ở Phụ lục 2 «{found}» được ghép với hoạt động đề xuất {row_code} của Phụ lục 1 ({reason}).",
        "The proposed row in Phụ lục 2 «{found}» is paired with proposed activity {row_code} of Phụ lục 1 ({reason})."),
    "proposal-unpaired": ("warning",
        "Dòng đề xuất mới ở Phụ lục 2 «{found}» (dưới kết quả đầu ra {expected}) không có dòng tương ứng ở Phụ lục 1; "
        "được giữ ở Phụ lục 2 với số {row_code}. Hãy ghi hoạt động này vào Phụ lục 1 (thời gian, ngân sách) hoặc xóa dòng này.",
        "The proposed row in Phụ lục 2 «{found}» (under output {expected}) has no matching row in Phụ lục 1; it is kept "
        "in Phụ lục 2 as {row_code}. Add the activity to Phụ lục 1 (months, budget) or delete this row."),
    "merged-cells": ("info",
        "Ô gộp {cell} ({field_label}): giá trị «{found}» được áp dụng cho dòng {expected}.{reason}",
        "Merged cells {cell} ({field_label}): the value «{found}» is applied to row(s) {expected}.{reason}"),
    "merged-budget": ("warning",
        "Ô ngân sách gộp {cell}: {found} triệu đồng ghi chung cho các dòng {expected}. {reason} Hãy tách ô và ghi ngân sách của từng hoạt động.",
        "Merged budget cells {cell}: {found} million đồng written once for rows {expected}. {reason} Unmerge the cells and write each activity's budget."),
    "text-cut": ("warning",
        "Nội dung ô dài {found} ký tự, quá giới hạn {expected} ký tự một ô của Excel: bảng tổng hợp ghi phần đầu; toàn văn có trong kết quả --json.",
        "The cell's text is {found} characters long, over Excel's limit of {expected} per cell: the consolidated workbook holds its start; the full text is in the --json output."),
    "formula-no-value": ("warning",
        "Ô «{field_label}» của dòng {row_code} có công thức {found} nhưng tệp không lưu kết quả. {reason}",
        "The {field_label} cell of row {row_code} holds the formula {found} but the file saved no result. {reason}"),
    # text
    "legacy-encoding": ("info",
        "{count} ô của trang {sheet} được gõ bằng bảng mã cũ {found} (ví dụ «{sample}» là «{expected}») và đã được "
        "chuyển sang Unicode: {cells}. Lần sau hãy gõ bằng bảng mã Unicode.",
        "{count} cells of sheet {sheet} were typed in the legacy {found} encoding (e.g. «{sample}» is «{expected}») "
        "and were converted to Unicode: {cells}. Next time, type in Unicode."),
    "number-ambiguous": ("warning",
        "Số «{found}» đọc được là {used} ({used_notation}) hoặc {other} ({other_notation}); tệp không cho biết cách ghi "
        "nên đã đọc là {used}. Hãy ghi số không dùng dấu ngăn cách hàng nghìn (ví dụ 1949, hoặc 1,95).",
        "The number «{found}» reads {used} ({used_notation}) or {other} ({other_notation}); the file does not show "
        "its notation, so {used} was read. Write it without a thousands separator (e.g. 1949)."),
    "number-notation": ("info",
        "Tệp ghi số theo cách Anh-Mỹ (ví dụ «{found}»): các số như «1,949» được đọc là 1949 (dấu phẩy ngăn cách "
        "hàng nghìn, dấu chấm là dấu thập phân).",
        "The file writes numbers in en-US notation (e.g. «{found}»): numbers such as «1,949» are read as 1949."),
    # budget
    "budget-not-number": ("error",
        "Ngân sách của dòng {row_code} không phải là số: «{found}». Ghi số triệu đồng, ví dụ 1.949 hoặc 3,4.",
        "The budget of row {row_code} is not a number: «{found}». Write million đồng, e.g. 1.949 or 3,4."),
    "budget-implausible": ("error",
        "Giá trị «{found}» không thể là một số tiền của kế hoạch (lớn hơn {expected}) nên không được tính. "
        "Hãy ghi lại đúng số (ngân sách ghi bằng triệu đồng).",
        "The value «{found}» cannot be an amount of the plan (over {expected}) and is not counted. "
        "Write the right figure (budgets in million đồng)."),
    "budget-text": ("info",
        "Ngân sách của dòng {row_code} được gõ dạng chữ «{found}» và đã được đọc là {value} triệu đồng. Biểu mẫu tô đỏ ô này "
        "vì Excel không cộng ô dạng chữ vào các dòng tổng: hãy gõ lại dạng số.",
        "The budget of row {row_code} was typed as text «{found}» and was read as {value} million đồng. The template paints "
        "the cell red because Excel leaves text out of its subtotals: type it again as a number."),
    "budget-text-subtotal": ("warning",
        "Ngân sách của dòng {row_code} được gõ dạng chữ «{found}» nên dòng {subtotal} của tệp không cộng khoản này "
        "(ghi {stated}, cộng đủ là {total} triệu đồng). Đã đọc là {value} triệu đồng; hãy gõ lại ô này dạng số, dòng tổng "
        "sẽ tự cộng đúng.",
        "The budget of row {row_code} was typed as text «{found}», so the file's {subtotal} leaves it out "
        "(it shows {stated}; with it, {total} million đồng). It was read as {value} million đồng; type the cell again as "
        "a number and the subtotal adds up by itself."),
    "budget-negative": ("error",
        "Ngân sách của dòng {row_code} là số âm: {found}.",
        "The budget of row {row_code} is negative: {found}."),
    "budget-missing": ("warning",
        "Hoạt động {row_code} chưa có ngân sách dự kiến (ô trống, không phải 0). Ghi số triệu đồng, hoặc 0 nếu không dùng ngân sách.",
        "Activity {row_code} has no budget (blank, not 0). Write million đồng, or 0 if it needs none."),
    "budget-unit": ("error",
        "Ngân sách của dòng {row_code} là {found}: có vẻ ghi bằng {written_unit} thay vì {unit} (gợi ý: {expected}).{reason}",
        "The budget of row {row_code} is {found}: it looks like {written_unit}, not {unit} (maybe {expected}).{reason}"),
    "unit-inferred": ("warning",
        "Bảng {table} không ghi đơn vị tính, nhưng mọi khoản kinh phí của các hoạt động đều từ {found} trở lên, như ghi bằng đồng: bảng được đọc theo đồng. Hãy ghi «ĐVT: đồng» trên bảng.",
        "The {table} table states no unit, but every activity's budget is {found} or more, as if in đồng: it is read in đồng. Write «ĐVT: đồng» above the table."),
    "unit-conflict": ("warning",
        "Đơn vị tính ghi hai cách: «{found}» ở tiêu đề cột kinh phí và «{expected}» ở dòng ĐVT; đọc theo tiêu đề cột. Hãy sửa cho thống nhất.",
        "The unit is stated twice: «{found}» in the budget column's title and «{expected}» in the ĐVT line; the column title is used. Make them agree."),
    "budget-no-agency": ("warning",
        "Dòng {row_code} có kinh phí {found} triệu đồng nhưng không có cơ quan chủ trì hay đơn vị được cấp kinh phí: khoản này không tính cho đơn vị nào. Hãy ghi cơ quan chủ trì.",
        "Row {row_code} has a budget of {found} million đồng but no lead or funded agency: it is counted for no agency. Write its lead agency."),
    "budget-unassigned": ("info",
        "{found} triệu đồng ({expected} dòng) không gắn với cơ quan nào vì bảng không có cột cơ quan chủ trì.",
        "{found} million đồng ({expected} rows) belong to no agency: the table has no lead agency column."),
    "subtotal-mismatch": ("error",
        "Tổng ngân sách của {level} {row_code} ghi {found} triệu đồng, nhưng cộng các dòng con được {expected}.",
        "The {level} {row_code} states {found} million đồng, but its rows add up to {expected}."),
    "total-mismatch": ("error",
        "Dòng Tổng cộng ghi {found} triệu đồng, nhưng cộng các nhiệm vụ được {expected}.",
        "The grand total states {found} million đồng, but the tasks add up to {expected}."),
    "allocation-mismatch": ("error",
        "Kinh phí của {agency} theo các hoạt động là {found} triệu đồng, khác phân bổ {expected} triệu đồng.",
        "{agency}: activities add up to {found} million đồng, the allocation is {expected}."),
    # time
    "month-invalid": ("error",
        "Tháng không hợp lệ ở dòng {row_code}: «{found}». Ghi «Tháng 1» đến «Tháng 12», có thể kèm năm («Tháng 12/2017»), hoặc «Theo yêu cầu».",
        "Invalid month in row {row_code}: «{found}». Write «Tháng 1» to «Tháng 12», optionally with a year, or «Theo yêu cầu»."),
    "month-missing": ("warning",
        "Hoạt động {row_code} chưa có {expected}.",
        "Activity {row_code} has no {expected}."),
    "period-unread": ("warning",
        "Không đọc được thời gian thực hiện của dòng {row_code}: «{found}»; giữ nguyên văn bản, không tính vào lịch. Ghi ví dụ «Quý II», «Tháng 3-6», «6 tháng đầu năm», «Cả năm», «Trước 30/6».",
        "The time of row {row_code} cannot be read: «{found}»; it is kept as text, outside the calendar. Write e.g. «Quý II», «Tháng 3-6», «6 tháng đầu năm», «Cả năm», «Trước 30/6»."),
    "month-order": ("error",
        "Hoạt động {row_code} kết thúc ({found}) trước khi bắt đầu ({expected}).",
        "Activity {row_code} ends ({found}) before it starts ({expected})."),
    # agencies
    "agency-unknown": ("warning",
        "Không nhận ra cơ quan, đơn vị «{found}» ở dòng {row_code}. Hãy ghi đúng tên trong danh mục, hoặc bổ sung danh mục.",
        "Agency «{found}» in row {row_code} is not in the registry. Use a name from the list, or extend the registry."),
    "agency-corrected": ("info",
        "Tên cơ quan «{found}» được hiểu là «{expected}».",
        "Agency «{found}» read as «{expected}»."),
    # monitoring
    "frequency-invalid": ("error",
        "Tần suất thu thập ở dòng {row_code} không hợp lệ: «{found}». Chọn Hàng tháng, Hàng quý, 6 tháng, Hàng năm, Thường xuyên, Theo yêu cầu hoặc «N lần».",
        "Invalid frequency in row {row_code}: «{found}». Use monthly, quarterly, 6-monthly, yearly, continuous, on request or «N lần»."),
    "frequency-missing": ("warning",
        "Dòng {row_code} chưa có tần suất thu thập.{inherit}",
        "Row {row_code} has no collection frequency.{inherit}"),
    "frequency-window": ("warning",
        "Hoạt động {row_code} thu thập {found} lần nhưng chỉ kéo dài {expected} tháng.",
        "Activity {row_code} is collected {found} times but lasts only {expected} months."),
    "collector-missing": ("warning",
        "Dòng {row_code} chưa có người thu thập số liệu (cả dòng trên cũng không có).",
        "Row {row_code} has no data collector (nor has any row above it)."),
    "plan-monitoring-mismatch": ("warning",
        "Dòng {row_code}: {reason}.",
        "Row {row_code}: {reason}."),
    # progress through the year (issue 13: cchc_xlsx/progress/)
    "disbursed-over-plan": ("error",
        "Hoạt động {row_code}: kinh phí đã giải ngân lũy kế {found} triệu đồng vượt ngân sách dự kiến {expected} triệu đồng. Hãy kiểm tra lại số liệu hoặc giải trình.",
        "Activity {row_code}: the cumulative disbursement of {found} million đồng exceeds the planned budget of {expected} million đồng. Check the figure or explain it."),
    "disbursed-decreased": ("error",
        "Hoạt động {row_code}: kinh phí giải ngân lũy kế {found} triệu đồng thấp hơn kỳ trước ({expected} triệu đồng); số lũy kế không thể giảm.",
        "Activity {row_code}: the cumulative disbursement of {found} million đồng is below the previous period's ({expected} million đồng); a cumulative figure cannot go down."),
    "done-without-evidence": ("warning",
        "Hoạt động {row_code} báo «Đã hoàn thành» nhưng chưa ghi tài liệu kiểm chứng (số/ký hiệu, ngày văn bản).",
        "Activity {row_code} is reported done but names no evidence (document number and date)."),
    "status-percent-mismatch": ("warning",
        "Hoạt động {row_code}: tình trạng «{found}» không khớp với {reason}.",
        "Activity {row_code}: the status «{found}» does not match {reason}."),
    "overdue": ("warning",
        "Hoạt động {row_code} ({agency}) có thời hạn đến {expected}, đã hết hạn mà chưa hoàn thành (tình trạng: {found}).",
        "Activity {row_code} ({agency}) was due to end in {expected}; that is past and it is not done (status: {found})."),
    "report-missing": ("error",
        "Hoạt động {row_code} phải báo cáo trong kỳ nhưng chưa có tình trạng; đơn vị chủ trì: {agency}; người thu thập số liệu: {expected}.",
        "Activity {row_code} is due in this period but has no status reported; lead agency: {agency}; data collector: {expected}."),
    "return-missing": ("error",
        "Chưa nhận được báo cáo tiến độ của {agency} ({found} hoạt động phải báo cáo trong kỳ).",
        "No progress return received from {agency} ({found} activities due in the period)."),
    "progress-table-missing": ("error",
        "Không tìm thấy bảng tiến độ (dòng tiêu đề có «Mã» và «Tình trạng») trong tệp: {reason}. Hãy dùng biểu mẫu báo cáo tiến độ đã được gửi.",
        "No progress table (a header row with «Mã» and «Tình trạng») found in the file: {reason}. Use the progress template that was sent."),
    "progress-value-invalid": ("error",
        "Ô {cell} (hoạt động {row_code}, {field_label}): «{found}» không hợp lệ; {reason}. Giá trị này không được tính.",
        "Cell {cell} (activity {row_code}, {field_label}): «{found}» is not valid; {reason}. The value is not used."),
    "progress-period-mismatch": ("warning",
        "Tệp là biểu mẫu của kỳ {found}, đang tổng hợp kỳ {expected}; số liệu vẫn được đọc, hãy kiểm tra đơn vị đã cập nhật đến hết kỳ {expected} chưa.",
        "The file is a template of the period {found}, the report is for {expected}; its values are read: check that the agency brought them up to the end of {expected}."),
    "progress-percent-format": ("info",
        "Ô {cell} (hoạt động {row_code}): tỷ lệ được ghi theo định dạng phần trăm ({found}); đã đọc là {expected}%. Lần sau hãy ghi số từ 0 đến 100.",
        "Cell {cell} (activity {row_code}): the completion is written in a percent format ({found}); it is read as {expected}%. Next time write a number from 0 to 100."),
    "progress-row-unknown": ("warning",
        "Dòng mã {row_code} ở ô {cell} không phải hoạt động của {agency} trong kế hoạch nên không được tính.",
        "The row with code {row_code} at {cell} is not an activity of {agency} in the plan, so it is not used."),
    # plan comparison (cchc_xlsx/diff.py)
    "match-uncertain": ("info",
        "Dòng {found} của kế hoạch cũ («{old}») được ghép với dòng {row_code} của kế hoạch mới («{new}») với độ tin cậy {expected}%: hãy kiểm tra xem đây có đúng là một hoạt động.",
        "Row {found} of the old plan («{old}») is matched with row {row_code} of the new plan («{new}») at {expected}% confidence: check that they are the same activity."),
    # the intake portal (issue 15): an agency's link received another agency's return
    "upload-other-agency": ("error",
        "Tệp này là báo cáo của {found}, không phải của {expected}: hãy tải lên báo cáo của đơn vị mình.",
        "This file is the return of {found}, not of {expected}: upload your own agency's return."),
}


@dataclass
class Finding:
    code: str
    severity: str = ""
    agency: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row_code: str = ""
    expected: str = ""
    found: str = ""
    params: dict[str, object] = field(default_factory=dict)
    #: the plan field the finding is about (budget, month_from, frequency …), for linking it to the
    #: right cell of a written workbook; not part of the findings table.
    field: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise KeyError(f"unknown finding code {self.code!r}")
        if not self.severity:
            self.severity = CODES[self.code][0]

    def message(self, lang: str = "vi") -> str:
        template = CODES[self.code][1 if lang == "vi" else 2]
        # a shallow copy: asdict deep-copies params, ten times slower on the thousands of findings a book marks
        values = {k: v for k, v in vars(self).items() if k not in ("params", "field")}
        values.update({"reason": "", "inherit": "", "level": "", "table": "", "more": "", "field_label": self.field,
                       "unit": "triệu đồng" if lang == "vi" else "million đồng", "written_unit": "đồng"})
        for key, value in self.params.items():
            # a (vi, en) pair where the wording depends on the language
            values[key] = (value[0] if lang == "vi" else value[1]) if isinstance(value, tuple) else value
        return template.format(**values)

    def to_dict(self, lang: str = "vi") -> dict[str, str]:
        return {
            "code": self.code, "severity": self.severity, "agency": self.agency, "file": self.file,
            "sheet": self.sheet, "cell": self.cell, "row_code": self.row_code,
            "message": self.message(lang), "expected": self.expected, "found": self.found,
        }


FINDING_COLUMNS = ["code", "severity", "agency", "file", "sheet", "cell", "row_code", "message",
                   "expected", "found"]


def findings_frame(findings: Iterable[Finding], lang: str = "vi") -> pd.DataFrame:
    """The findings as a table, most severe first, otherwise in the order they were found."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows = [f.to_dict(lang) for f in sorted(findings, key=lambda f: order[f.severity])]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype("object")


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] += 1
    return counts


class ToolError(Exception):
    """The tool cannot go on (a file it cannot open at all, an output it cannot write).

    The message is one line a user can act on; the CLI prints it and exits with code 2. Raised
    with ``key=`` (a key of :mod:`cchc_xlsx.messages`) and its values (a value that depends on the
    language as a ``(vi, en)`` pair, as in a finding's params), it speaks both languages:
    :meth:`message` renders it in the user's; ``str()`` is the Vietnamese.
    """

    def __init__(self, message: str = "", *, key: str = "", **values) -> None:
        self.key, self.values = key, values
        super().__init__(self._render("vi") if key else message)

    def message(self, lang: str = "vi") -> str:
        """The one line in ``lang`` ("vi" or "en"); a value given as a (vi, en) pair is taken in ``lang``."""
        return self._render(lang) if self.key else str(self)

    def _render(self, lang: str) -> str:
        from .messages import text
        return text(self.key, lang, **{k: (v[0] if lang == "vi" else v[1]) if isinstance(v, tuple) else v
                                       for k, v in self.values.items()})

# --------------------------------------------------------------------------- who answers for a finding
#: The author of the plan: the Sở Nội vụ drafts the province's CCHC plan for the UBND to issue.
PLAN_AUTHOR = "Sở Nội vụ"
#: Findings about an agency's activities taken together (their sum against the decision's allocation):
#: the agency answers for them, although they point at the allocation's cell in the plan.
AGENCY_TOTAL_CODES = frozenset({"allocation-mismatch"})
#: Who answers: the plan (its author), an agency, or nobody in particular (a stray file, a note).
PLAN, AGENCY, NOBODY = "plan", "agency", "none"


def answerable(finding: Finding, plan_file: str = "", file_agency: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``(kind, agency)``: who answers for ``finding`` — the one rule every count of findings per
    agency uses (Tổng hợp's two tables, the returns' table, the console report, the JSON).

    - a defect of the plan's own file (``finding.file == plan_file``: a row no return replaced, a
      locked task or output row, the stated total) is the plan's: ``("plan", PLAN_AUTHOR)``, not
      the agency whose template locked that row;
    - except :data:`AGENCY_TOTAL_CODES`, and every other finding: the agency it names, or else the
      agency whose file it is in (``file_agency``: file name -> agency): ``("agency", name)``;
    - otherwise ``("none", "")``.
    """
    if plan_file and finding.file == plan_file and finding.code not in AGENCY_TOTAL_CODES:
        return PLAN, PLAN_AUTHOR
    agency = finding.agency or (file_agency or {}).get(finding.file, "")
    return (AGENCY, agency) if agency else (NOBODY, "")


def findings_by_agency(findings: Iterable[Finding], plan_file: str = "",
                       file_agency: Mapping[str, str] | None = None) -> dict[tuple[str, str], dict[str, int]]:
    """Findings per severity for each ``answerable`` key, most errors first (then warnings, notes, name).

    Shape: ``{("agency", "Sở Tư pháp"): {"error": 2, "warning": 1, "info": 0}, ("plan", "Sở Nội vụ"): …}``.
    """
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for f in findings:
        key = answerable(f, plan_file, file_agency)
        counts.setdefault(key, dict.fromkeys(SEVERITIES, 0))[f.severity] += 1
    order = sorted(counts, key=lambda k: (*(-counts[k][s] for s in SEVERITIES), k[0] == NOBODY, k[1]))
    return {key: counts[key] for key in order}


messages.register({
    "findings.owner.plan": ("Kế hoạch (do {author} soạn)", "The plan (drafted by {author})"),
    "findings.owner.none": ("Chung (không gắn với đơn vị nào)", "General (no agency)"),
})


def owner_label(kind: str, agency: str, lang: str = "vi") -> str:
    """The name an ``answerable`` key shows: the agency, the plan with its author, or «Chung»."""
    if kind == PLAN:
        return messages.text("findings.owner.plan", lang, author=agency)
    if kind == NOBODY or not agency:
        return messages.text("findings.owner.none", lang)
    return agency
