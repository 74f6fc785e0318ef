<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi">
<context>
    <name>DeviceHealthPanel</name>
    <message>
        <location filename="../../qml/devices/DeviceHealthPanel.qml" line="50"/>
        <source>no device</source>
        <translation>chưa gắn thiết bị</translation>
    </message>
    <message>
        <location filename="../../qml/devices/DeviceHealthPanel.qml" line="51"/>
        <source>waiting for the first poll</source>
        <translation>đang chờ lần kiểm tra đầu tiên</translation>
    </message>
    <message>
        <location filename="../../qml/devices/DeviceHealthPanel.qml" line="52"/>
        <source>not answering</source>
        <translation>không phản hồi</translation>
    </message>
    <message>
        <location filename="../../qml/devices/DeviceHealthPanel.qml" line="53"/>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <location filename="../../qml/devices/DeviceHealthPanel.qml" line="55"/>
        <source>%1 °C</source>
        <translation>%1 °C</translation>
    </message>
</context>
<context>
    <name>ImageTile</name>
    <message>
        <location filename="../../qml/wall/ImageTile.qml" line="22"/>
        <source>Image unavailable: %1</source>
        <translation>Không tải được ảnh: %1</translation>
    </message>
</context>
<context>
    <name>MapTile</name>
    <message>
        <location filename="../../qml/maps/MapTile.qml" line="46"/>
        <source>no data</source>
        <translation>không có số liệu</translation>
    </message>
</context>
<context>
    <name>PlaceholderTile</name>
    <message>
        <location filename="../../qml/wall/PlaceholderTile.qml" line="19"/>
        <source>This kind of tile is not available in this build</source>
        <translation>Loại ô này chưa có trong bản dựng này</translation>
    </message>
</context>
<context>
    <name>PreviewWindow</name>
    <message>
        <location filename="../../qml/wall/PreviewWindow.qml" line="16"/>
        <source>OpsWall — wall preview</source>
        <translation>OpsWall — xem trước màn hình ghép</translation>
    </message>
    <message>
        <location filename="../../qml/wall/PreviewWindow.qml" line="84"/>
        <source>%1 · layout: %2 · %3 displays · bezel compensation %4</source>
        <translation>%1 · bố cục: %2 · %3 màn hình · bù viền %4</translation>
    </message>
    <message>
        <location filename="../../qml/wall/PreviewWindow.qml" line="88"/>
        <source>on</source>
        <translation>bật</translation>
    </message>
    <message>
        <location filename="../../qml/wall/PreviewWindow.qml" line="88"/>
        <source>off</source>
        <translation>tắt</translation>
    </message>
</context>
<context>
    <name>StatsOverlay</name>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="20"/>
        <source>State: %1</source>
        <translation>Trạng thái: %1</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="21"/>
        <source>%1 fps, %2 dropped</source>
        <translation>%1 khung/giây, bỏ %2</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="22"/>
        <source>%1 kbit/s</source>
        <translation>%1 kbit/giây</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="23"/>
        <source>%1×%2 → %3</source>
        <translation>%1×%2 → %3</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="26"/>
        <source>full size</source>
        <translation>kích thước gốc</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="27"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="28"/>
        <source>Latency ≈ %1 ms, first frame %2 ms</source>
        <translation>Độ trễ ≈ %1 ms, khung đầu %2 ms</translation>
    </message>
    <message>
        <location filename="../../qml/video/StatsOverlay.qml" line="29"/>
        <source>Reconnects: %1</source>
        <translation>Số lần kết nối lại: %1</translation>
    </message>
</context>
<context>
    <name>TestPattern</name>
    <message>
        <location filename="../../qml/calibration/TestPattern.qml" line="173"/>
        <source>ID %1</source>
        <translation>Mã %1</translation>
    </message>
    <message>
        <location filename="../../qml/calibration/TestPattern.qml" line="174"/>
        <source>set ID %1</source>
        <translation>ID điều khiển %1</translation>
    </message>
    <message>
        <location filename="../../qml/calibration/TestPattern.qml" line="175"/>
        <source>no control link</source>
        <translation>không có kết nối điều khiển</translation>
    </message>
    <message>
        <location filename="../../qml/calibration/TestPattern.qml" line="176"/>
        <source>input %1</source>
        <translation>đầu vào %1</translation>
    </message>
    <message>
        <location filename="../../qml/calibration/TestPattern.qml" line="178"/>
        <source>firmware %1</source>
        <translation>phiên bản phần mềm %1</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="33"/>
        <source>No video source</source>
        <translation>Không có nguồn video</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="36"/>
        <source>Connecting…</source>
        <translation>Đang kết nối…</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="38"/>
        <source>Stalled (%1), reconnecting in %2 s</source>
        <translation>Bị treo (%1), kết nối lại sau %2 giây</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="39"/>
        <source>Stalled (%1)</source>
        <translation>Bị treo (%1)</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="42"/>
        <source>Reconnecting in %1 s (%2)</source>
        <translation>Kết nối lại sau %1 giây (%2)</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="43"/>
        <source>Reconnecting in %1 s</source>
        <translation>Kết nối lại sau %1 giây</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="44"/>
        <source>Reconnecting…</source>
        <translation>Đang kết nối lại…</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="46"/>
        <source>Failed: %1</source>
        <translation>Lỗi: %1</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="78"/>
        <source>STALE</source>
        <translation>CŨ</translation>
    </message>
    <message>
        <location filename="../../qml/video/VideoTile.qml" line="123"/>
        <source>AUDIO %1%</source>
        <translation>ÂM THANH %1%</translation>
    </message>
</context>
<context>
    <name>opswall::maps::ChoroplethMap</name>
    <message>
        <location filename="../../qml/maps/choroplethmap.cpp" line="239"/>
        <source>No data</source>
        <translation>Không có số liệu</translation>
    </message>
    <message>
        <location filename="../../qml/maps/choroplethmap.cpp" line="240"/>
        <source>Source</source>
        <translation>Nguồn</translation>
    </message>
    <message>
        <location filename="../../qml/maps/choroplethmap.cpp" line="243"/>
        <source>Ranking</source>
        <translation>Xếp hạng</translation>
    </message>
</context>
<context>
    <name>opswall::video</name>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="143"/>
        <source>Unsupported codec (no decoder installed)</source>
        <translation>Định dạng nén không được hỗ trợ (chưa cài bộ giải mã)</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="148"/>
        <source>A GStreamer plug-in is missing: %1</source>
        <translation>Thiếu plug-in GStreamer: %1</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="155"/>
        <source>Unknown host &apos;%1&apos;</source>
        <translation>Không tìm thấy máy chủ &apos;%1&apos;</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="160"/>
        <source>Connection refused by %1</source>
        <translation>%1 từ chối kết nối</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="165"/>
        <source>Not authorised: check the user name and password</source>
        <translation>Không được phép: kiểm tra tên đăng nhập và mật khẩu</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="169"/>
        <source>Stream not found: %1</source>
        <translation>Không tìm thấy luồng: %1</translation>
    </message>
    <message>
        <location filename="../../app/video/gstsupport.cpp" line="172"/>
        <source>Stream error</source>
        <translation>Lỗi luồng</translation>
    </message>
</context>
<context>
    <name>opswall::video::VideoHub</name>
    <message>
        <location filename="../../app/video/videohub.cpp" line="126"/>
        <source>Unknown video source &apos;%1&apos;</source>
        <translation>Không có nguồn video &apos;%1&apos;</translation>
    </message>
</context>
<context>
    <name>opswall::video::VideoStream</name>
    <message>
        <location filename="../../app/video/videostream.cpp" line="41"/>
        <source>No source configured</source>
        <translation>Chưa cấu hình nguồn</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="73"/>
        <source>Restarted by the operator</source>
        <translation>Người vận hành đã khởi động lại</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="124"/>
        <source>Cannot write the SDP file</source>
        <translation>Không ghi được tệp SDP</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="141"/>
        <source>The OpenGL video item is gone</source>
        <translation>Khung hình video OpenGL không còn</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="225"/>
        <source>Unsupported codec: %1 (no decoder installed)</source>
        <translation>Định dạng nén không được hỗ trợ: %1 (chưa cài bộ giải mã)</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="233"/>
        <location filename="../../app/video/videostream.cpp" line="238"/>
        <source>Unknown host &apos;%1&apos;</source>
        <translation>Không tìm thấy máy chủ &apos;%1&apos;</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="247"/>
        <source>Capture device &apos;%1&apos; cannot be used: %2</source>
        <translation>Không dùng được thiết bị thu hình &apos;%1&apos;: %2</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="249"/>
        <source>Capture device &apos;%1&apos; is not present</source>
        <translation>Không có thiết bị thu hình &apos;%1&apos;</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="261"/>
        <source>The stream ended</source>
        <translation>Luồng đã kết thúc</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="289"/>
        <source>No video for %1 s</source>
        <translation>Không có hình trong %1 giây</translation>
    </message>
    <message>
        <location filename="../../app/video/videostream.cpp" line="295"/>
        <source>No video within %1 s</source>
        <translation>Không có hình trong vòng %1 giây</translation>
    </message>
</context>
</TS>
