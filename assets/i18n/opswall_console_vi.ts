<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi">
<context>
    <name>Banner</name>
    <message numerus="yes">
        <location filename="../../qml/console/Banner.qml" line="+39" />
        <source>Trying again in %n s.</source>
        <translation><numerusform>Thử lại sau %n giây.</numerusform></translation>
    </message>
    <message>
        <location line="+6" />
        <source>Connecting to the wall at %1…</source>
        <translation>Đang kết nối tới tường tại %1…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The wall at %1 refused the token (%2). Check the token file; the console will try again.</source>
        <translation>Tường tại %1 từ chối mã truy cập (%2). Hãy kiểm tra tệp mã; bảng điều khiển sẽ thử lại.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The connection to the wall at %1 was lost (%2). What you see may be out of date; your staged changes are kept.</source>
        <translation>Mất kết nối tới tường tại %1 (%2). Những gì đang hiển thị có thể đã cũ; các thay đổi đang soạn vẫn được giữ.</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cannot reach the wall at %1 (%2).</source>
        <translation>Không kết nối được tới tường tại %1 (%2).</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Try now</source>
        <translation>Thử ngay</translation>
    </message>
</context>
<context>
    <name>BindingForm</name>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="44" />
        <source>Fit</source>
        <translation>Cách lấp đầy</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="45" />
        <source>Fit inside</source>
        <translation>Vừa khung</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="45" />
        <source>Fill (crop)</source>
        <translation>Lấp đầy (cắt bớt)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="45" />
        <source>Stretch</source>
        <translation>Kéo giãn</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Text</source>
        <translation>Văn bản</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="49" />
        <source>Alignment</source>
        <translation>Căn lề</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>Left</source>
        <translation>Trái</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>Centre</source>
        <translation>Giữa</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>Right</source>
        <translation>Phải</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="51" />
        <source>Colour</source>
        <translation>Màu</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="42" />
        <source>Letter height (mm)</source>
        <translation>Chiều cao chữ (mm)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="44" />
        <source>Time zone</source>
        <translation>Múi giờ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="47" />
        <source>Show</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Date and time</source>
        <translation>Ngày và giờ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Time</source>
        <translation>Giờ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="49" />
        <source>Label</source>
        <translation>Nhãn</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="46" />
        <source>Image (asset or media: name)</source>
        <translation>Ảnh (tên tài nguyên hoặc media:)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Video source</source>
        <translation>Nguồn video</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>Show stream statistics</source>
        <translation>Hiện thống kê luồng</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="52" />
        <source>Indicator</source>
        <translation>Chỉ tiêu</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="44" />
        <source>Dimension</source>
        <translation>Chiều dữ liệu</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="40" />
        <source>Transform</source>
        <translation>Phép biến đổi</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="41" />
        <source>Forecast</source>
        <translation>Dự báo</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="45" />
        <source>Points at most</source>
        <translation>Số điểm tối đa</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="48" />
        <source>Period</source>
        <translation>Kỳ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="49" />
        <source>Provinces</source>
        <translation>Đơn vị hành chính</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>34 (since 2025)</source>
        <translation>34 (từ năm 2025)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="50" />
        <source>63 (before 2025)</source>
        <translation>63 (trước năm 2025)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="51" />
        <source>Colour classes (2–9)</source>
        <translation>Số lớp màu (2–9)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="52" />
        <source>Palette</source>
        <translation>Bảng màu</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="53" />
        <source>Sequential</source>
        <translation>Tuần tự</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="53" />
        <source>Diverging</source>
        <translation>Phân kỳ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="54" />
        <source>Show messages on the map</source>
        <translation>Hiện thông báo trên bản đồ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="56" />
        <source>Alerts at most</source>
        <translation>Số cảnh báo tối đa</translation>
    </message>
    <message>
        <location filename="../../qml/console/BindingForm.qml" line="204" />
        <source>Apply</source>
        <translation>Áp dụng</translation>
    </message>
</context>
<context>
    <name>ChangesPanel</name>
    <message>
        <location filename="../../qml/console/ChangesPanel.qml" line="+28" />
        <source>Published to the wall.</source>
        <translation>Đã đưa lên tường.</translation>
    </message>
    <message>
        <location line="+13" />
        <source>%1 added, %2 removed, %3 moved, %4 changed</source>
        <translation>Thêm %1, bỏ %2, dời %3, sửa %4</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Nothing staged: the copy is the live layout.</source>
        <translation>Chưa có thay đổi: bản soạn trùng với bố cục đang chiếu.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Added</source>
        <translation>Thêm</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Removed</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Moved</source>
        <translation>Dời</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Changed</source>
        <translation>Sửa</translation>
    </message>
    <message>
        <location line="+12" />
        <source>The live wall changed since this copy was taken; publishing will be refused until you rebase.</source>
        <translation>Tường đã thay đổi kể từ khi lấy bản soạn này; tường sẽ từ chối cho tới khi bạn cập nhật bản soạn theo tường.</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Publish (Ctrl+Enter)</source>
        <translation>Đưa lên tường (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Discard</source>
        <translation>Bỏ bản soạn</translation>
    </message>
    <message>
        <location line="+38" />
        <source>The wall refused the publish: someone else changed it.</source>
        <translation>Tường từ chối: người khác vừa thay đổi tường.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The wall refused the publish.</source>
        <translation>Tường từ chối thay đổi.</translation>
    </message>
    <message>
        <location line="+16" />
        <source>%1 (%2, via %3): %4 %5</source>
        <translation>%1 (%2, qua %3): %4 %5</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Rebase my changes on the live wall</source>
        <translation>Áp thay đổi của tôi lên bố cục mới của tường</translation>
    </message>
</context>
<context>
    <name>ConsoleView</name>
    <message>
        <location filename="../../qml/console/ConsoleView.qml" line="+55" />
        <source>Not connected to the wall</source>
        <translation>Chưa kết nối tới tường</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Loading the permissions…</source>
        <translation>Đang tải bảng phân quyền…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Your role (%1) may not do this; it is for: %2</source>
        <translation>Vai trò của bạn (%1) không được làm việc này; chỉ dành cho: %2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Your role (%1) may not do this</source>
        <translation>Vai trò của bạn (%1) không được làm việc này</translation>
    </message>
    <message>
        <location line="+54" />
        <source>OpsWall console</source>
        <translation>Bảng điều khiển OpsWall</translation>
    </message>
    <message>
        <location line="+9" />
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Locked by %1</source>
        <translation>Đang khóa bởi %1</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Unlocked</source>
        <translation>Không khóa</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Release lock</source>
        <translation>Mở khóa</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Take lock</source>
        <translation>Khóa tường</translation>
    </message>
    <message>
        <location line="+2" />
        <source>operator console</source>
        <translation>bảng điều khiển vận hành</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Undo</source>
        <translation>Hoàn tác</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Redo</source>
        <translation>Làm lại</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Shortcuts (F1)</source>
        <translation>Phím tắt (F1)</translation>
    </message>
    <message>
        <location line="+22" />
        <source>Library</source>
        <translation>Thư viện</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Presets</source>
        <translation>Bố cục lưu sẵn</translation>
    </message>
    <message>
        <location line="+37" />
        <source>Properties</source>
        <translation>Thuộc tính</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Changes •</source>
        <translation>Thay đổi •</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Changes</source>
        <translation>Thay đổi</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Shift</source>
        <translation>Ca trực</translation>
    </message>
    <message>
        <location filename="../../qml/console/ConsoleView.qml" line="233" />
        <source>Technician</source>
        <translation>Kỹ thuật</translation>
    </message>
    <message>
        <location filename="../../qml/console/ConsoleView.qml" line="242" />
        <source>Panels</source>
        <translation>Bàn phím</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <location filename="../../qml/console/HelpOverlay.qml" line="+16" />
        <source>Recall the preset at that position in the list</source>
        <translation>Gọi bố cục lưu sẵn ở vị trí đó trong danh sách</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drag from the library</source>
        <translation>Kéo từ thư viện</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Place a tile; Enter places the chosen item on the selected display</source>
        <translation>Đặt một ô; Enter đặt mục đang chọn lên màn hình của ô đang chọn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drag a tile / a handle</source>
        <translation>Kéo một ô / một tay nắm</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Move / resize it, snapped to display edges, bezels, other tiles and the grid</source>
        <translation>Dời / đổi cỡ, bám theo mép màn hình, viền, các ô khác và lưới</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Alt while dragging</source>
        <translation>Giữ Alt khi kéo</translation>
    </message>
    <message>
        <location line="+0" />
        <source>No snapping</source>
        <translation>Không bám</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Ctrl+click</source>
        <translation>Ctrl+nhấp</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Add a tile to the selection or take it out</source>
        <translation>Thêm ô vào vùng chọn hoặc bỏ ra</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Select the next / previous tile (wall view)</source>
        <translation>Chọn ô kế tiếp / trước đó (khung tường)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Select all tiles / none</source>
        <translation>Chọn tất cả / bỏ chọn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Arrows</source>
        <translation>Phím mũi tên</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Nudge the selection by 10 mm</source>
        <translation>Dịch vùng chọn 10 mm</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Shift+Arrows</source>
        <translation>Shift+mũi tên</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Nudge the selection by 100 mm</source>
        <translation>Dịch vùng chọn 100 mm</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove the selected tiles</source>
        <translation>Xóa các ô đang chọn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Bring to front / send to back</source>
        <translation>Đưa lên trên cùng / xuống dưới cùng</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Align left / right / top / bottom to the first selected</source>
        <translation>Căn trái / phải / trên / dưới theo ô chọn đầu tiên</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Distribute horizontally / vertically (three or more)</source>
        <translation>Dàn đều theo chiều ngang / dọc (từ ba ô)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fill the display under the tile / every display the selection covers</source>
        <translation>Phủ kín màn hình dưới ô / mọi màn hình vùng chọn chạm tới</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Undo / redo in the staged copy</source>
        <translation>Hoàn tác / làm lại trong bản soạn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Publish the staged changes to the wall</source>
        <translation>Đưa các thay đổi đang soạn lên tường</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Discard the staged changes</source>
        <translation>Bỏ các thay đổi đang soạn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search the library</source>
        <translation>Tìm trong thư viện</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save the staged copy as a preset</source>
        <translation>Lưu bản soạn thành bố cục lưu sẵn</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Focus the wall view</source>
        <translation>Chuyển bàn phím về khung tường</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Show or hide this help</source>
        <translation>Hiện hoặc ẩn trợ giúp này</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Keyboard and mouse</source>
        <translation>Bàn phím và chuột</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../../qml/console/LibraryPanel.qml" line="+44" />
        <source>playing</source>
        <translation>đang phát</translation>
    </message>
    <message>
        <location line="+1" />
        <source>connecting</source>
        <translation>đang kết nối</translation>
    </message>
    <message>
        <location line="+1" />
        <source>reconnecting</source>
        <translation>đang kết nối lại</translation>
    </message>
    <message>
        <location line="+1" />
        <source>stalled</source>
        <translation>bị treo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>failed</source>
        <translation>lỗi</translation>
    </message>
    <message>
        <location line="+1" />
        <source>not shown now</source>
        <translation>chưa chiếu</translation>
    </message>
    <message>
        <location line="+16" />
        <source>no data yet</source>
        <translation>chưa có số liệu</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Chart: %1</source>
        <translation>Biểu đồ: %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Province map: %1</source>
        <translation>Bản đồ tỉnh: %1</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Video · %1</source>
        <translation>Video · %1</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Clock (Hà Nội)</source>
        <translation>Đồng hồ (Hà Nội)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Text</source>
        <translation>Văn bản</translation>
    </message>
    <message>
        <location line="+0" />
        <source>A heading or a notice</source>
        <translation>Tiêu đề hoặc thông báo</translation>
    </message>
    <message>
        <location line="+1" />
        <source>New text</source>
        <translation>Văn bản mới</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Image</source>
        <translation>Hình ảnh</translation>
    </message>
    <message>
        <location line="+0" />
        <source>An image file</source>
        <translation>Một tệp hình ảnh</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Colour</source>
        <translation>Màu nền</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Alerts</source>
        <translation>Cảnh báo</translation>
    </message>
    <message>
        <location line="+0" />
        <source>The open alerts</source>
        <translation>Các cảnh báo đang mở</translation>
    </message>
    <message>
        <location line="+49" />
        <source>Search (Vietnamese or English)</source>
        <translation>Tìm (tiếng Việt hoặc tiếng Anh)</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../../qml/console/Main.qml" line="+20" />
        <source>OpsWall console</source>
        <translation>Bảng điều khiển OpsWall</translation>
    </message>
</context>
<context>
    <name>PresetsPanel</name>
    <message>
        <location filename="../../qml/console/PresetsPanel.qml" line="+44" />
        <source>Leaders may recall only presets marked for leaders</source>
        <translation>Lãnh đạo chỉ gọi được bố cục đánh dấu dành cho lãnh đạo</translation>
    </message>
    <message>
        <location line="+73" />
        <source>Recall</source>
        <translation>Gọi lên</translation>
    </message>
    <message>
        <location line="+24" />
        <source>For leaders</source>
        <translation>Cho lãnh đạo</translation>
    </message>
    <message>
        <location line="-11" />
        <source>Sure?</source>
        <translation>Chắc chắn?</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location line="+30" />
        <source>New preset name</source>
        <translation>Tên bố cục mới</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Save staged as</source>
        <translation>Lưu bản soạn</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Save live as</source>
        <translation>Lưu bố cục đang chiếu</translation>
    </message>
</context>
<context>
    <name>PropertiesPanel</name>
    <message>
        <location filename="../../qml/console/PropertiesPanel.qml" line="+54" />
        <source>Select a tile on the wall to edit it. Drag from the library to add one.</source>
        <translation>Chọn một ô trên tường để sửa. Kéo từ thư viện để thêm ô.</translation>
    </message>
    <message numerus="yes">
        <location line="+15" />
        <source>%n tiles selected</source>
        <translation><numerusform>Đã chọn %n ô</numerusform></translation>
    </message>
    <message>
        <location line="+13" />
        <source>x %1 mm, y %2 mm, %3 × %4 mm</source>
        <translation>x %1 mm, y %2 mm, %3 × %4 mm</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Title</source>
        <translation>Tiêu đề</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Binding (JSON)</source>
        <translation>Nội dung gắn (JSON)</translation>
    </message>
    <message>
        <location line="+28" />
        <source>Apply binding</source>
        <translation>Áp dụng nội dung</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Bring to front</source>
        <translation>Lên trên cùng</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Send to back</source>
        <translation>Xuống dưới cùng</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fill display</source>
        <translation>Phủ kín màn hình</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fill covered displays</source>
        <translation>Phủ các màn hình chạm tới</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Align to the first selected</source>
        <translation>Căn theo ô chọn đầu tiên</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Left</source>
        <translation>Trái</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Centre</source>
        <translation>Giữa</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Right</source>
        <translation>Phải</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Top</source>
        <translation>Trên</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Middle</source>
        <translation>Giữa dọc</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Bottom</source>
        <translation>Dưới</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Distribute ↔</source>
        <translation>Dàn đều ↔</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Distribute ↕</source>
        <translation>Dàn đều ↕</translation>
    </message>
    <message>
        <location filename="../../qml/console/PropertiesPanel.qml" line="108" />
        <source>Settings</source>
        <translation>Thiết lập</translation>
    </message>
</context>
<context>
    <name>ShiftPanel</name>
    <message>
        <location filename="../../qml/console/ShiftPanel.qml" line="+19" />
        <source>up to date</source>
        <translation>cập nhật</translation>
    </message>
    <message>
        <location line="+1" />
        <source>stale</source>
        <translation>đã cũ</translation>
    </message>
    <message>
        <location line="+1" />
        <source>failing</source>
        <translation>đang lỗi</translation>
    </message>
    <message>
        <location line="+1" />
        <source>not fetched yet</source>
        <translation>chưa lấy lần nào</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Control lock</source>
        <translation>Khóa điều khiển</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Held by %1 (%2) until %3. %4</source>
        <translation>%1 (%2) đang giữ tới %3. %4</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Nobody holds the lock: every permitted role may change the wall.</source>
        <translation>Không ai giữ khóa: mọi vai trò được phép đều có thể thay đổi tường.</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Active alerts (%1)</source>
        <translation>Cảnh báo đang mở (%1)</translation>
    </message>
    <message>
        <location line="+11" />
        <source>seen by %1</source>
        <translation>%1 đã xem</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Acknowledge</source>
        <translation>Xác nhận đã xem</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Feeds</source>
        <translation>Nguồn số liệu</translation>
    </message>
    <message numerus="yes">
        <location line="+10" />
        <source>%n failures in a row</source>
        <translation><numerusform>%n lần lỗi liên tiếp</numerusform></translation>
    </message>
    <message>
        <location line="+5" />
        <source>Sound</source>
        <translation>Âm thanh</translation>
    </message>
    <message>
        <location line="+8" />
        <source>(muted)</source>
        <translation>(tắt tiếng)</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Apply sound</source>
        <translation>Áp dụng âm thanh</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Displays</source>
        <translation>Màn hình</translation>
    </message>
    <message>
        <location line="+19" />
        <source>no controller</source>
        <translation>chưa gắn bộ điều khiển</translation>
    </message>
    <message>
        <location line="+1" />
        <source>no answer</source>
        <translation>không phản hồi</translation>
    </message>
    <message>
        <location line="+1" />
        <source>power %1, input %2, %3</source>
        <translation>nguồn %1, đầu vào %2, %3</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Off</source>
        <translation>Tắt</translation>
    </message>
    <message>
        <location line="+0" />
        <source>On</source>
        <translation>Bật</translation>
    </message>
</context>
<context>
    <name>TechExchangePanel</name>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="30" />
        <source>not JSON: %1</source>
        <translation>không phải JSON: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="34" />
        <source>the document must be a JSON object</source>
        <translation>tài liệu phải là một đối tượng JSON</translation>
    </message>
    <message numerus="yes">
        <location filename="../../qml/console/TechExchangePanel.qml" line="46" />
        <source>%n profile(s) exported.</source>
        <translation><numerusform>Đã xuất %n hồ sơ.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../qml/console/TechExchangePanel.qml" line="52" />
        <source>%n profile(s) imported.</source>
        <translation><numerusform>Đã nhập %n hồ sơ.</numerusform></translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="67" />
        <source>Profiles as JSON</source>
        <translation>Hồ sơ dạng JSON</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="73" />
        <source>Export</source>
        <translation>Xuất</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="80" />
        <source>Import</source>
        <translation>Nhập</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="99" />
        <source>{&quot;kind&quot;: &quot;opswall.calibration&quot;, &quot;schemaVersion&quot;: 1, &quot;profiles&quot;: {…}}</source>
        <translation>{"kind": "opswall.calibration", "schemaVersion": 1, "profiles": {…}}</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechExchangePanel.qml" line="114" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>TechGeometryPanel</name>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="17" />
        <source>Geometry</source>
        <translation>Hình học</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="20" />
        <source>Pick exactly one display to move it.</source>
        <translation>Chọn đúng một màn hình để dịch chuyển.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="33" />
        <source>%1 mm</source>
        <translation>%1 mm</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="39" />
        <source>Step (mm)</source>
        <translation>Bước (mm)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="76" />
        <source>Bezel left (mm)</source>
        <translation>Viền trái (mm)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="83" />
        <source>right</source>
        <translation>phải</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="90" />
        <source>top</source>
        <translation>trên</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="97" />
        <source>bottom</source>
        <translation>dưới</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="104" />
        <source>Rotation</source>
        <translation>Góc xoay</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="108" />
        <source>0°</source>
        <translation>0°</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="108" />
        <source>90°</source>
        <translation>90°</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="108" />
        <source>180°</source>
        <translation>180°</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="108" />
        <source>270°</source>
        <translation>270°</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="117" />
        <source>Apply bezels and rotation (live)</source>
        <translation>Áp dụng viền và góc xoay (trực tiếp)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="125" />
        <source>Show the crosshatch</source>
        <translation>Hiện lưới kẻ ô</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="134" />
        <source>Save geometry</source>
        <translation>Lưu hình học</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="135" />
        <source>set up from the console</source>
        <translation>chỉnh từ bảng điều khiển</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechGeometryPanel.qml" line="141" />
        <source>Undo set-up</source>
        <translation>Hoàn tác chỉnh hình học</translation>
    </message>
</context>
<context>
    <name>TechPatternsPanel</name>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="16" />
        <source>Test pattern</source>
        <translation>Mẫu thử</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="23" />
        <source>The wall shows “%1” on %2; the live layout is kept underneath.</source>
        <translation>Tường đang hiện “%1” trên %2; bố cục trực tiếp vẫn được giữ bên dưới.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="25" />
        <source>every display</source>
        <translation>mọi màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="27" />
        <source>The wall shows its live layout.</source>
        <translation>Tường đang hiện bố cục trực tiếp.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="41" />
        <source>Show on all</source>
        <translation>Hiện trên tất cả</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="41" />
        <source>Show</source>
        <translation>Hiện</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechPatternsPanel.qml" line="49" />
        <source>Back to the live layout</source>
        <translation>Trở lại bố cục trực tiếp</translation>
    </message>
</context>
<context>
    <name>TechSettingsPanel</name>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="111" />
        <source>Picture settings</source>
        <translation>Thiết lập hình ảnh</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="117" />
        <source>Read from displays</source>
        <translation>Đọc từ màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="125" />
        <source>Apply profile</source>
        <translation>Áp dụng hồ sơ</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="138" />
        <source>Pick one or more displays first.</source>
        <translation>Hãy chọn một hoặc nhiều màn hình trước.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="148" />
        <source>Apply: %1</source>
        <translation>Áp dụng: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="148" />
        <source>Read: %1</source>
        <translation>Đọc: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="192" />
        <source>Drift: %1</source>
        <translation>Sai lệch: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="193" />
        <source>%1 should be %2, is %3</source>
        <translation>%1 cần là %2, đang là %3</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="195" />
        <source>In step with its profile.</source>
        <translation>Khớp với hồ sơ.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="201" />
        <source>Profile</source>
        <translation>Hồ sơ hiệu chỉnh</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="209" />
        <source>%1 should have: %2</source>
        <translation>%1 cần có: %2</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="210" />
        <source>%1 has no profile yet.</source>
        <translation>%1 chưa có hồ sơ.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="220" />
        <source>%1 by %2%3</source>
        <translation>%1, bởi %2%3</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechSettingsPanel.qml" line="280" />
        <source>Note for the history (why)</source>
        <translation>Ghi chú cho lịch sử (lý do)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../qml/console/TechSettingsPanel.qml" line="287" />
        <source>Save as the profile of %n display(s)</source>
        <translation><numerusform>Lưu làm hồ sơ của %n màn hình</numerusform></translation>
    </message>
</context>
<context>
    <name>TechUniformityPanel</name>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="17" />
        <source>Uniformity</source>
        <translation>Độ đồng đều</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="23" />
        <source>No uniformity session.</source>
        <translation>Chưa có phiên đo độ đồng đều.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="25" />
        <source>Warming up: measure in %1 min.</source>
        <translation>Đang làm nóng: đo sau %1 phút.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="26" />
        <source>Phase: %1; %2 of %3 displays measured.</source>
        <translation>Bước: %1; đã đo %2/%3 màn hình.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="27" />
        <source>measure again after the corrections</source>
        <translation>đo lại sau khi hiệu chỉnh</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="28" />
        <source>measure</source>
        <translation>đo</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="35" />
        <source>Warm-up (min)</source>
        <translation>Làm nóng (phút)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="41" />
        <source>Start</source>
        <translation>Bắt đầu</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="54" />
        <source>Display</source>
        <translation>Màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="61" />
        <source>cd/m²</source>
        <translation>cd/m²</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="81" />
        <source>Record</source>
        <translation>Ghi nhận</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="96" />
        <source>Read from the meter</source>
        <translation>Đọc từ máy đo</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="101" />
        <source>Plan</source>
        <translation>Lập phương án</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="102" />
        <source>Apply corrections</source>
        <translation>Áp dụng hiệu chỉnh</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="103" />
        <source>Finish</source>
        <translation>Kết thúc</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="104" />
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="114" />
        <source>Reading the meter for %1…</source>
        <translation>Đang đọc máy đo cho %1…</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="115" />
        <source>%1: %2 cd/m² from the meter, recorded.</source>
        <translation>%1: %2 cd/m² từ máy đo, đã ghi.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="116" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="126" />
        <source>Target %1 cd/m²; spread %2 % now, %3 % predicted.</source>
        <translation>Mục tiêu %1 cd/m²; chênh lệch hiện %2 %, dự kiến %3 %.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="131" />
        <source>backlight %1</source>
        <translation>đèn nền %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="131" />
        <source>no backlight known</source>
        <translation>chưa biết đèn nền</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="132" />
        <source>gain %1</source>
        <translation>độ lợi %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="143" />
        <source>Last report: spread %1 % before, %2 % after: %3.</source>
        <translation>Báo cáo gần nhất: chênh lệch %1 % trước, %2 % sau: %3.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="145" />
        <source>pass</source>
        <translation>đạt</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechUniformityPanel.qml" line="145" />
        <source>fail</source>
        <translation>không đạt</translation>
    </message>
</context>
<context>
    <name>TechnicianPanel</name>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="45" />
        <source>Brightness</source>
        <translation>Độ sáng</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="46" />
        <source>Backlight</source>
        <translation>Đèn nền</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="47" />
        <source>Contrast</source>
        <translation>Độ tương phản</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="48" />
        <source>Colour temperature (K)</source>
        <translation>Nhiệt độ màu (K)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="49" />
        <source>RGB gain</source>
        <translation>Độ lợi RGB</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="50" />
        <source>RGB offset</source>
        <translation>Độ lệch RGB</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="51" />
        <source>Picture mode</source>
        <translation>Chế độ hình ảnh</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="52" />
        <source>Gamma</source>
        <translation>Gamma</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="53" />
        <source>Tiling</source>
        <translation>Ghép màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="54" />
        <source>Bezel compensation</source>
        <translation>Bù viền</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="60" />
        <source>White</source>
        <translation>Trắng</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="61" />
        <source>Black</source>
        <translation>Đen</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="62" />
        <source>Red</source>
        <translation>Đỏ</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="63" />
        <source>Green</source>
        <translation>Xanh lá</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="64" />
        <source>Blue</source>
        <translation>Xanh lam</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="65" />
        <source>Grey</source>
        <translation>Xám</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="66" />
        <source>Grey steps</source>
        <translation>Các bậc xám</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="67" />
        <source>Grey ramp</source>
        <translation>Dải xám liên tục</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="68" />
        <source>Colour bars</source>
        <translation>Sọc màu</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="69" />
        <source>Crosshatch (across bezels)</source>
        <translation>Lưới kẻ ô (qua viền)</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="70" />
        <source>ID cards</source>
        <translation>Thẻ nhận dạng màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="71" />
        <source>Uniformity grid</source>
        <translation>Lưới đo đồng đều</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="81" />
        <source>%1 × %2, position %3</source>
        <translation>%1 × %2, vị trí %3</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="84" />
        <source>on</source>
        <translation>bật</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="84" />
        <source>off</source>
        <translation>tắt</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="136" />
        <source>Tick at least one setting to keep in the profile.</source>
        <translation>Hãy chọn ít nhất một thiết lập để lưu vào hồ sơ.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../qml/console/TechnicianPanel.qml" line="266" />
        <source>Profile saved for %n display(s).</source>
        <translation><numerusform>Đã lưu hồ sơ cho %n màn hình.</numerusform></translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="268" />
        <source>%1 is now at x %2 mm, y %3 mm (not saved yet).</source>
        <translation>%1 nay ở x %2 mm, y %3 mm (chưa lưu).</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="271" />
        <source>The wall&apos;s geometry is saved.</source>
        <translation>Đã lưu hình học của tường.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="273" />
        <source>The geometry from before set-up is back.</source>
        <translation>Đã trở lại hình học trước khi chỉnh.</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="331" />
        <source>Displays</source>
        <translation>Màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="372" />
        <source>All</source>
        <translation>Tất cả</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="373" />
        <source>None</source>
        <translation>Bỏ chọn</translation>
    </message>
    <message>
        <location filename="../../qml/console/TechnicianPanel.qml" line="376" />
        <source>None picked</source>
        <translation>Chưa chọn màn hình nào</translation>
    </message>
</context>
<context>
    <name>WallCanvas</name>
    <message>
        <location filename="../../qml/console/WallCanvas.qml" line="+92" />
        <source>Staged copy — the wall still shows the live layout. Publish to make it live.</source>
        <translation>Bản soạn — tường vẫn chiếu bố cục hiện tại. Bấm “Đưa lên tường” để áp dụng.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The live layout. Changes are staged until you publish them.</source>
        <translation>Bố cục đang chiếu. Mọi thay đổi được soạn trước, chỉ lên tường khi bạn đưa lên.</translation>
    </message>
    <message>
        <location line="+1" />
        <source>View only: %1</source>
        <translation>Chỉ xem: %1</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Live picture</source>
        <translation>Hình trực tiếp</translation>
    </message>
    <message>
        <location line="+62" />
        <source>no answer</source>
        <translation>không phản hồi</translation>
    </message>
    <message>
        <location line="+1" />
        <source>off</source>
        <translation>tắt</translation>
    </message>
    <message>
        <location line="+0" />
        <source>on</source>
        <translation>bật</translation>
    </message>
</context>
<context>
    <name>opswall::console::StagedLayout</name>
    <message>
        <location filename="../../qml/console/stagedlayout.cpp" line="+450" />
        <location line="+18" />
        <source>no such tile</source>
        <translation>không có ô này</translation>
    </message>
</context>
<context>
    <name>BriefingEditor</name>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>%1 (%2 steps, revision %3)</source>
        <translation>%1 (%2 bước, phiên bản %3)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>(its own layout)</source>
        <translation>(bố cục riêng)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>(no focus)</source>
        <translation>(không làm nổi bật)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Add as a step</source>
        <translation>Thêm thành một bước</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Delete…</source>
        <translation>Xoá…</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>English</source>
        <translation>Tiếng Anh</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Keep it</source>
        <translation>Giữ lại</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Load their version</source>
        <translation>Tải bản của họ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>New briefing</source>
        <translation>Nội dung giao ban mới</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Notes</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Organisation</source>
        <translation>Cơ quan</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Planned (s)</source>
        <translation>Dự kiến (giây)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Really delete?</source>
        <translation>Xoá thật?</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Remove</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Save mine over it</source>
        <translation>Lưu bản của tôi đè lên</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Save •</source>
        <translation>Lưu •</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Someone else saved this briefing: %1</source>
        <translation>Người khác đã lưu nội dung giao ban này: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Speaker notes (English)</source>
        <translation>Ghi chú cho người trình bày (tiếng Anh)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Speaker notes (Vietnamese)</source>
        <translation>Ghi chú cho người trình bày (tiếng Việt)</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Step title</source>
        <translation>Tên bước</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Title</source>
        <translation>Tiêu đề</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingEditor.qml" />
        <source>Vietnamese (required)</source>
        <translation>Tiếng Việt (bắt buộc)</translation>
    </message>
</context>
<context>
    <name>BriefingsPage</name>
    <message>
        <location filename="../../qml/console/BriefingsPage.qml" />
        <source>Back to the wall</source>
        <translation>Quay lại tường màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingsPage.qml" />
        <source>Briefing editor</source>
        <translation>Soạn nội dung giao ban</translation>
    </message>
    <message>
        <location filename="../../qml/console/BriefingsPage.qml" />
        <source>Presenter</source>
        <translation>Trình chiếu</translation>
    </message>
</context>
<context>
    <name>ConsoleView</name>
    <message>
        <location filename="../../qml/console/ConsoleView.qml" />
        <source>Briefings</source>
        <translation>Giao ban</translation>
    </message>
</context>
<context>
    <name>PresenterPage</name>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>%1 (%2 steps)</source>
        <translation>%1 (%2 bước)</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Blank the wall</source>
        <translation>Tắt màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Elapsed</source>
        <translation>Đã trình bày</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>End the briefing</source>
        <translation>Kết thúc giao ban</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Extend</source>
        <translation>Gia hạn</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Go to step</source>
        <translation>Đến bước</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Next ▶</source>
        <translation>Tiếp ▶</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Next: %1</source>
        <translation>Tiếp theo: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>No briefing is running. Start one:</source>
        <translation>Chưa có buổi giao ban nào. Bắt đầu:</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>On the wall now</source>
        <translation>Đang trên tường màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Release the lock</source>
        <translation>Trả quyền điều khiển</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Remaining</source>
        <translation>Còn lại</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Show the wall</source>
        <translation>Bật màn hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Start</source>
        <translation>Bắt đầu</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Step %1 / %2 — %3</source>
        <translation>Bước %1 / %2 — %3</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Take the lock</source>
        <translation>Nhận quyền điều khiển</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>The wall is blank</source>
        <translation>Màn hình đang tắt</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>The wall is locked by %1 (%2) for %3 more</source>
        <translation>Tường màn hình đang bị khoá bởi %1 (%2), còn %3</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>The wall is not locked</source>
        <translation>Tường màn hình không bị khoá</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>This is the last step</source>
        <translation>Đây là bước cuối</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>This step</source>
        <translation>Bước này</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>You hold the wall's lock (%1 left)</source>
        <translation>Bạn đang giữ quyền điều khiển tường (còn %1)</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Your lock on the wall has run out: others can change the wall now. Take it again to keep control.</source>
        <translation>Quyền điều khiển của bạn đã hết hạn: người khác có thể thay đổi tường màn hình. Nhận lại để tiếp tục.</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>Your lock on the wall runs out in %1. Extend it to keep others off the wall.</source>
        <translation>Quyền điều khiển của bạn sắp hết hạn sau %1. Gia hạn để người khác không thay đổi tường màn hình.</translation>
    </message>
    <message>
        <location filename="../../qml/console/PresenterPage.qml" />
        <source>◀ Previous</source>
        <translation>◀ Trước</translation>
    </message>
</context>
<context>
    <name>PanelsPanel</name>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>ready</source>
        <translation>sẵn sàng</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>connecting</source>
        <translation>đang kết nối</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>disconnected</source>
        <translation>mất kết nối</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>unavailable</source>
        <translation>không có thiết bị</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>The parameters are not JSON: %1</source>
        <translation>Tham số không phải JSON: %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Key %1 bound to %2.</source>
        <translation>Phím %1 đã gán cho %2.</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Key %1 pressed as the panel.</source>
        <translation>Đã bấm phím %1 thay bàn phím.</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Button panels (%1)</source>
        <translation>Bàn phím điều khiển (%1)</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>No panel is configured (opswall --panels FILE).</source>
        <translation>Chưa cấu hình bàn phím nào (opswall --panels TỆP).</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>serial %1</source>
        <translation>số sê-ri %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Plugged in by USB (%1)</source>
        <translation>Cắm qua USB (%1)</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>No Stream Deck or X-keys is plugged in by USB.</source>
        <translation>Không có Stream Deck hay X-keys nào cắm qua USB.</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>unknown model</source>
        <translation>không rõ kiểu</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>panel %1</source>
        <translation>bàn phím %1</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>not configured</source>
        <translation>chưa cấu hình</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Page</source>
        <translation>Trang</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Key %1: %2 %3</source>
        <translation>Phím %1: %2 %3</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Key %1: not bound</source>
        <translation>Phím %1: chưa gán</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Label on the key</source>
        <translation>Nhãn trên phím</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Parameters, e.g. {&quot;id&quot;: 2}</source>
        <translation>Tham số, ví dụ {&quot;id&quot;: 2}</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Bind</source>
        <translation>Gán</translation>
    </message>
    <message>
        <location filename="../../qml/console/PanelsPanel.qml" line="1" />
        <source>Test press</source>
        <translation>Bấm thử</translation>
    </message>
</context>
</TS>
