// opswall-rtsp-testserver: serves a live test pattern (videotestsrc + timeoverlay, H.264) over
// RTSP at rtsp://127.0.0.1:<port>/test, and optionally as MPEG-TS over SRT (listener).
// Used by the video integration tests, the benchmark and the demo. Debian ships no test-launch.
//
//   videotestsrc(live) ─▶ WxH@fps ─▶ timeoverlay ─▶ identity(stamp) ─▶ x264enc(zerolatency) ─▶
//   rtph264pay
//                                                        └ --stamp: writes the capture time (ms, 32
//                                                        bits)
//                                                          as black/white 16×16 blocks in the
//                                                          bottom row
//
// Prints "READY rtsp://127.0.0.1:<port>/test" (and "READY srt://127.0.0.1:<port>") once serving.
//
//   opswall-rtsp-testserver [--port 8554|0] [--width 1280] [--height 720] [--fps 30]
//                           [--bitrate 2000] [--pattern smpte] [--srt-port N] [--stamp]

#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Options {
    int port = 8554;
    int width = 1280;
    int height = 720;
    int fps = 30;
    int bitrateKbps = 2000;
    int srtPort = 0;
    bool stamp = false;
    std::string pattern = "smpte";
};

constexpr int kStampBits = 32;
constexpr int kStampBlock = 16;

struct StampContext {
    int width;
    int height;
};

GstPadProbeReturn writeStamp(GstPad *, GstPadProbeInfo *info, gpointer user) {
    const auto *ctx = static_cast<const StampContext *>(user);
    GstBuffer *buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    GstMapInfo map;
    if (!gst_buffer_map(buffer, &map, GST_MAP_WRITE))
        return GST_PAD_PROBE_OK;
    const int stride = (ctx->width + 3) & ~3;
    const guint32 ms = guint32(g_get_monotonic_time() / 1000);
    const int top = ctx->height - kStampBlock;
    for (int bit = 0; bit < kStampBits && (bit + 1) * kStampBlock <= ctx->width; ++bit) {
        const guint8 value = (ms >> (kStampBits - 1 - bit)) & 1u ? 235 : 16;
        for (int y = top; y < top + kStampBlock; ++y)
            std::memset(map.data + y * stride + bit * kStampBlock, value, kStampBlock);
    }
    gst_buffer_unmap(buffer, &map);
    return GST_PAD_PROBE_OK;
}

void onMediaConfigure(GstRTSPMediaFactory *, GstRTSPMedia *media, gpointer user) {
    GstElement *element = gst_rtsp_media_get_element(media);
    if (GstElement *stamp = gst_bin_get_by_name(GST_BIN(element), "stamp")) {
        GstPad *pad = gst_element_get_static_pad(stamp, "src");
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, writeStamp, user, nullptr);
        gst_object_unref(pad);
        gst_object_unref(stamp);
    }
    gst_object_unref(element);
}

std::string source(const Options &o) {
    char text[512];
    std::snprintf(text, sizeof text,
                  "videotestsrc is-live=true pattern=%s ! "
                  "video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 ! "
                  "timeoverlay font-desc=\"Sans 24\" ! identity name=stamp ! "
                  "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d bitrate=%d ! "
                  "video/x-h264,profile=constrained-baseline",
                  o.pattern.c_str(), o.width, o.height, o.fps, o.fps, o.bitrateKbps);
    return text;
}

int intArg(int argc, char **argv, int &i) {
    if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
    }
    return std::atoi(argv[++i]);
}

} // namespace

int main(int argc, char **argv) {
    gst_init(&argc, &argv);
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--port")
            o.port = intArg(argc, argv, i);
        else if (a == "--width")
            o.width = intArg(argc, argv, i);
        else if (a == "--height")
            o.height = intArg(argc, argv, i);
        else if (a == "--fps")
            o.fps = intArg(argc, argv, i);
        else if (a == "--bitrate")
            o.bitrateKbps = intArg(argc, argv, i);
        else if (a == "--srt-port")
            o.srtPort = intArg(argc, argv, i);
        else if (a == "--stamp")
            o.stamp = true;
        else if (a == "--pattern" && i + 1 < argc)
            o.pattern = argv[++i];
        else {
            std::fprintf(stderr,
                         "usage: %s [--port N|0] [--width W] [--height H] [--fps F] "
                         "[--bitrate KBPS] [--pattern smpte] [--srt-port N] [--stamp]\n",
                         argv[0]);
            return 2;
        }
    }
    if (o.width < 16 || o.height < 16 || o.fps < 1 || o.port < 0 || o.port > 65535) {
        std::fprintf(stderr, "invalid size, rate or port\n");
        return 2;
    }

    GMainLoop *loop = g_main_loop_new(nullptr, FALSE);
    GstRTSPServer *server = gst_rtsp_server_new();
    gst_rtsp_server_set_address(server, "127.0.0.1");
    const std::string service = std::to_string(o.port);
    gst_rtsp_server_set_service(server, service.c_str());
    GstRTSPMountPoints *mounts = gst_rtsp_server_get_mount_points(server);
    GstRTSPMediaFactory *factory = gst_rtsp_media_factory_new();
    const std::string launch =
        "( " + source(o) + " ! rtph264pay name=pay0 pt=96 config-interval=-1 )";
    gst_rtsp_media_factory_set_launch(factory, launch.c_str());
    // One encoder for every client: the benchmark opens many streams on two cores.
    gst_rtsp_media_factory_set_shared(factory, TRUE);
    StampContext stamp{o.width, o.height};
    if (o.stamp)
        g_signal_connect(factory, "media-configure", G_CALLBACK(onMediaConfigure), &stamp);
    gst_rtsp_mount_points_add_factory(mounts, "/test", factory); // takes the factory
    g_object_unref(mounts);
    if (gst_rtsp_server_attach(server, nullptr) == 0) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", o.port);
        return 1;
    }
    std::printf("READY rtsp://127.0.0.1:%d/test\n", gst_rtsp_server_get_bound_port(server));

    GstElement *srt = nullptr;
    if (o.srtPort > 0) {
        const std::string desc = source(o) +
                                 " ! h264parse config-interval=-1 ! mpegtsmux alignment=7 ! "
                                 "srtsink name=out uri=srt://:" +
                                 std::to_string(o.srtPort) + "?mode=listener latency=80";
        GError *error = nullptr;
        srt = gst_parse_launch(desc.c_str(), &error);
        if (!srt || error) {
            std::fprintf(stderr, "SRT pipeline: %s\n", error ? error->message : "?");
            return 1;
        }
        if (GstElement *out = gst_bin_get_by_name(GST_BIN(srt), "out")) {
            if (g_object_class_find_property(G_OBJECT_GET_CLASS(out), "wait-for-connection"))
                g_object_set(out, "wait-for-connection", FALSE, nullptr);
            gst_object_unref(out);
        }
        if (o.stamp) {
            GstElement *st = gst_bin_get_by_name(GST_BIN(srt), "stamp");
            GstPad *pad = gst_element_get_static_pad(st, "src");
            gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, writeStamp, &stamp, nullptr);
            gst_object_unref(pad);
            gst_object_unref(st);
        }
        gst_element_set_state(srt, GST_STATE_PLAYING);
        std::printf("READY srt://127.0.0.1:%d\n", o.srtPort);
    }
    std::fflush(stdout);
    g_main_loop_run(loop); // until killed
    if (srt) {
        gst_element_set_state(srt, GST_STATE_NULL);
        gst_object_unref(srt);
    }
    g_object_unref(server);
    g_main_loop_unref(loop);
    return 0;
}
